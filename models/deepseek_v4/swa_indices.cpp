#include "models/deepseek_v4/swa_indices.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/deepseek_v4/swa_golden.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v4 {

BadSwaIndex find_bad_swa_index(std::span<const std::int32_t> indices, std::span<const std::int32_t> lens,
                               std::int64_t window, std::int64_t cache_rows) {
  const auto tokens = static_cast<std::int64_t>(lens.size());
  for (std::int64_t t = 0; t < tokens; ++t) {
    const std::int64_t valid = std::clamp<std::int64_t>(lens[t], 0, window);
    for (std::int64_t j = 0; j < valid; ++j) {
      const std::int32_t row = indices[t * window + j];
      if (row < -1 || row >= cache_rows) return BadSwaIndex{t, j, row, lens[t]};
    }
  }
  return {};
}

std::string bad_swa_index_text(const BadSwaIndex& bad, std::int64_t cache_rows) {
  return fmt::format(
      "swa_indices[{}, {}] = {} (token {}, slot {}, inside its valid prefix swa_lens[{}] = {}) is outside [-1, {}), "
      "the rows of ori_kv's {} blocks of {}; name a physical row of the paged cache, or -1 for an unused slot",
      bad.token, bad.slot, bad.value, bad.token, bad.slot, bad.token, bad.len, cache_rows, cache_rows / kCacheBlockRows,
      kCacheBlockRows);
}

void check_swa_indices(std::span<const std::int32_t> indices, std::span<const std::int32_t> lens, std::int64_t window,
                       std::int64_t cache_rows) {
  const auto bad = find_bad_swa_index(indices, lens, window, cache_rows);
  if (!bad) return;
  const std::string text = "input tensor " + bad_swa_index_text(bad, cache_rows);
  throw ConfigError(ErrorContext{.buffer = "swa_indices", .region = fmt::format("[{}, {}]", bad.token, bad.slot)}, text,
                    text);
}

}  // namespace tg::models::deepseek_v4
