#pragma once
// Independent golden of SWA sparse attention + grouped o_proj: plain loops that tile the
// window by ATTN_K_TILE and round at the kernel's points (bf16 exp scores before PV, seed
// 004's lesson), plus an untiled fp32 softmax for information only. One function per staging
// tensor so each stage can be judged from the run's own inputs of that stage.
// Cost: O(T·H·WIN·HEAD_DIM) attention + O(T·H·HEAD_DIM·O_LORA + T·D·O_GROUPS·O_LORA) o_proj.
#include <cstdint>
#include <span>
#include <vector>

#include "models/deepseek_v4/config.hpp"
#include "runtime/bf16.hpp"

namespace tg::models::deepseek_v4 {

inline constexpr std::int64_t kCacheBlockRows = 128;  // paged cache block size
inline constexpr float kMaskedScore = -1e20f;

struct SwaInputsView {
  std::span<const bf16> q;                  // [T, H, HEAD_DIM]
  std::span<const bf16> ori_kv;             // [BLOCKS·128, HEAD_DIM] (flat rows), BLOCKS from the input
  std::span<const std::int32_t> swa_indices;  // [T, WIN]
  std::span<const std::int32_t> swa_lens;   // [T]
  std::span<const float> attn_sink;         // [H]
  std::span<const bf16> freqs_cos;          // [T, ROPE]
  std::span<const bf16> freqs_sin;          // [T, ROPE]
  std::span<const bf16> wo_a;               // [O_GROUPS, O_LORA, HPG·HEAD_DIM]
  std::span<const std::int8_t> wo_b;        // [D, O_GROUPS·O_LORA]
  std::span<const float> wo_b_scale;        // [D]
};

// Slot j of token t is valid iff j < swa_lens[t] and swa_indices[t, j] >= 0.
bool swa_slot_valid(const SwaInputsView& in, std::int64_t window, std::int64_t t, std::int64_t j);

// Steps 1-6: staging `o` [T, H, HEAD_DIM] (bf16 values), tiled online softmax. Both o goldens
// throw check_swa_indices' ConfigError on a valid-prefix row outside ori_kv.
std::vector<float> swa_o_golden(const Config& cfg, const SwaInputsView& in);
// For information: one untiled fp32 softmax (no bf16 rounding of p), same inverse RoPE.
std::vector<float> swa_o_untiled_fp32(const Config& cfg, const SwaInputsView& in);
// Step 7a: `o_r` [T, O_GROUPS, O_LORA] fp32 from an `o`.
std::vector<float> o_r_golden(const Config& cfg, const SwaInputsView& in, std::span<const float> o);
// Step 7b: per-(t, g) int8 rule: `o_r_i8` and `o_r_scale_dq` from an `o_r`.
void o_r_quant_golden(const Config& cfg, std::span<const float> o_r, std::vector<std::int8_t>& codes,
                      std::vector<float>& scales);
// Step 7c: `attn_out` [T, D] (bf16 values) from `o_r_i8` and `o_r_scale_dq`.
std::vector<float> attn_out_golden(const Config& cfg, const SwaInputsView& in, std::span<const std::int8_t> codes,
                                   std::span<const float> scales);

}  // namespace tg::models::deepseek_v4
