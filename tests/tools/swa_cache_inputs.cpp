// Test helper for the CLI cases of tests/tools/CMakeLists.txt: rewrites the inputs of a
// `tilegraph run v4-swa-attention --dump DUMP` folder for a paged cache of BLOCKS blocks.
//
//   swa_cache_inputs DUMP OUT BLOCKS [--bad-valid | --bad-past]
//
// Valid-prefix rows (j < swa_lens[t], >= 0) are taken modulo BLOCKS·128 when the cache
// shrinks; a cache that grows keeps its rows and gets blocks nothing points at. Entries past a
// prefix stay as they are (stale rows, which may lie beyond a smaller cache). --bad-valid puts
// row BLOCKS·128 into token 2, slot 5 (a valid slot); --bad-past puts 2^30 past token 2's prefix.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "runtime/npy.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: swa_cache_inputs DUMP OUT BLOCKS [--bad-valid | --bad-past]\n";
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path dump = argv[1], out = argv[2];
  const std::int64_t blocks = std::stoll(argv[3]);
  const std::string mode = argc > 4 ? argv[4] : "";
  fs::remove_all(out);
  fs::create_directories(out);
  fs::copy(dump / "inputs", out / "inputs", fs::copy_options::recursive);

  const auto kv = tg::read_npy(dump / "inputs" / "ori_kv.npy");
  auto idx = tg::read_npy(dump / "inputs" / "swa_indices.npy");
  const auto lens = tg::read_npy(dump / "inputs" / "swa_lens.npy");
  const std::int64_t rows = blocks * 128, row_bytes = static_cast<std::int64_t>(kv.bytes.size()) / (kv.shape[0] * 128);
  tg::Shape shape = kv.shape;
  shape[0] = blocks;
  std::vector<std::byte> cache(static_cast<std::size_t>(rows * row_bytes), std::byte{0x3f});
  std::memcpy(cache.data(), kv.bytes.data(), std::min(cache.size(), kv.bytes.size()));

  auto* index = reinterpret_cast<std::int32_t*>(idx.bytes.data());
  const auto* len = reinterpret_cast<const std::int32_t*>(lens.bytes.data());
  const std::int64_t tokens = idx.shape[0], window = idx.shape[1];
  for (std::int64_t t = 0; t < tokens; ++t)
    for (std::int64_t j = 0; j < std::min<std::int64_t>(len[t], window); ++j)
      if (index[t * window + j] >= 0) index[t * window + j] = static_cast<std::int32_t>(index[t * window + j] % rows);
  if (mode == "--bad-valid") index[2 * window + 5] = static_cast<std::int32_t>(rows);
  if (mode == "--bad-past") index[2 * window + window - 1] = 1 << 30;
  tg::write_npy(out / "inputs" / "ori_kv.npy", kv.dtype, shape, cache.data());
  tg::write_npy(out / "inputs" / "swa_indices.npy", idx.dtype, idx.shape, idx.bytes.data());
  return 0;
}
