// libFuzzer target for the .npy reader (runtime/npy.hpp). The input is written to a file
// (the reader's interface) and read back: it must give an array whose bytes match its dtype
// and shape, or throw a tg::Error. Its corpus, tests/fuzz/corpus_npy/, is replayed in every
// build by NpyLimits.FuzzCorpusReplays.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/error.hpp"
#include "runtime/npy.hpp"

namespace {

// The file each input is written to, removed when the fuzzer exits.
struct ScratchFile {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("tg_npy_fuzz_" + std::to_string(::getpid()) + ".npy");
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ScratchFile scratch;
  const std::filesystem::path& file = scratch.path;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    const tg::NpyArray a = tg::read_npy(file);
    if (a.bytes.size() != static_cast<std::size_t>(a.numel()) * tg::size_of(a.dtype)) std::abort();
  } catch (const tg::Error&) {
  }
  return 0;
}
