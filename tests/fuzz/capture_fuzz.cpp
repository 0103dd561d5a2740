// libFuzzer target for the device capture reader (trace/capture_import.hpp, parse_capture).
// One input holds the records file, then optionally deps.json and the name map after 0x1e
// bytes (capture_files_from_fuzz_input). Any input must give an ImportedCapture or throw a
// tg::Error: a crash, a hang, a sanitizer report or another exception type is a finding. Its
// corpus, tests/fuzz/corpus_capture/, is replayed in every build by CaptureImport.FuzzCorpusReplays.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/error.hpp"
#include "trace/capture_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)tg::parse_capture(tg::capture_files_from_fuzz_input(text));
  } catch (const tg::Error&) {
  }
  return 0;
}
