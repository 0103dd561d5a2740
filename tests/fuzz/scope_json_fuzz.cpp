// libFuzzer target for the JSON scope reader (scripts/fuzz.sh builds and runs it). Any input
// must either parse or throw a tg::Error; what parses must write back and re-read to the
// same text, and lint must run on it. Anything else (a crash, a sanitizer report, another
// exception type, a round-trip mismatch) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tasks/lint.hpp"
#include "tasks/scope_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)tg::lint_scope_json_bounds(text, "fuzz");
  std::string written;
  try {
    const tg::Graph graph = tg::parse_scope_json(text, "fuzz");
    written = tg::to_scope_json(graph);
    (void)tg::lint(graph);
  } catch (const tg::Error&) {
    return 0;
  }
  if (tg::to_scope_json(tg::parse_scope_json(written, "fuzz-rewritten")) != written) std::abort();
  return 0;
}
