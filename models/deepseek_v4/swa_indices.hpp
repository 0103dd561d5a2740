#pragma once
// The paged-cache rule of SWA attention: ori_kv holds BLOCKS blocks of 128 rows, BLOCKS taken
// from the input, and a token may name only rows that exist. Only a token's valid prefix
// (slot j < swa_lens[t]) is ever gathered, so only that prefix is held to [-1, BLOCKS·128);
// whatever sits past it (stale rows of an earlier step, garbage) is never read nor judged.
// Cost: O(T·WIN) in the worst case, O(Σ min(swa_lens[t], WIN)) in fact.
#include <cstdint>
#include <span>
#include <string>

namespace tg::models::deepseek_v4 {

// The first valid-prefix entry outside [-1, cache_rows), if any.
struct BadSwaIndex {
  std::int64_t token = -1;
  std::int64_t slot = -1;
  std::int32_t value = 0;
  std::int32_t len = 0;  // swa_lens[token]
  explicit operator bool() const { return token >= 0; }
};

BadSwaIndex find_bad_swa_index(std::span<const std::int32_t> indices, std::span<const std::int32_t> lens,
                               std::int64_t window, std::int64_t cache_rows);

// "swa_indices[3, 17] = 2200 (token 3, slot 17 of its 40 valid slots) is outside [-1, 2176),
// the rows of ori_kv's 17 blocks of 128; ..." (what to do follows).
std::string bad_swa_index_text(const BadSwaIndex& bad, std::int64_t cache_rows);

// Throws ConfigError (buffer swa_indices) with bad_swa_index_text when an entry is bad.
void check_swa_indices(std::span<const std::int32_t> indices, std::span<const std::int32_t> lens,
                       std::int64_t window, std::int64_t cache_rows);

}  // namespace tg::models::deepseek_v4
