// libFuzzer target for the machine preset readers (runtime/machine.hpp, parse_machine_json;
// runtime/multichip_machine.hpp, parse_multichip_json).
// Any input must either give a Machine or throw a tg::Error: a crash, a sanitizer report or
// another exception type is a finding. Its corpus, tests/fuzz/corpus_machine/, is replayed
// in every build by MachineLimits.FuzzCorpusReplays.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "runtime/multichip_machine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)tg::parse_machine_json(text, "fuzz");
  } catch (const tg::Error&) {
  }
  try {
    (void)tg::parse_multichip_json(text, "fuzz");
  } catch (const tg::Error&) {
  }
  return 0;
}
