#pragma once
// Independent golden of qkv_proj_rope: plain loops in the spec's order with its rounding
// points (1/sqrt in fp32, per-row int8 rule fp32 -> int8 in one hop, interleaved RoPE).
// Never calls the task kernels. Cost: O(T·D·(Q_LORA + HEAD_DIM) + T·Q_LORA·H·HEAD_DIM).
#include <cstdint>
#include <span>
#include <vector>

#include "models/deepseek_v4/config.hpp"
#include "runtime/bf16.hpp"

namespace tg::models::deepseek_v4 {

struct QkvInputsView {
  std::span<const bf16> x;              // [T, D]
  std::span<const bf16> wq_a;           // [D, Q_LORA]
  std::span<const std::int8_t> wq_b;    // [Q_LORA, H·HEAD_DIM]
  std::span<const float> wq_b_scale;    // [H·HEAD_DIM]
  std::span<const bf16> wkv;            // [D, HEAD_DIM]
  std::span<const bf16> rope_cos;       // [T, ROPE]
  std::span<const bf16> rope_sin;       // [T, ROPE]
  std::span<const bf16> gamma_cq;       // [Q_LORA]
  std::span<const bf16> gamma_ckv;      // [HEAD_DIM]
};

struct QkvGolden {
  std::vector<std::int8_t> qr;  // [T, Q_LORA]
  std::vector<float> qr_scale;  // [T]
  std::vector<float> q;         // [T, H, HEAD_DIM], bf16 values
  std::vector<float> kv;        // [T, HEAD_DIM], bf16 values
};

// The spec's int8 rule on one row: amax = max(|row|, INT8_AMAX_EPS), s = 127 / amax,
// code = clamp(round_half_even(v·s), −127, 127) in fp32; returns 1/s.
float golden_quantize_row(std::span<const float> row, std::span<std::int8_t> codes);

// The whole scope from its inputs.
QkvGolden qkv_golden(const Config& cfg, const QkvInputsView& in);

// Steps 4–8 from a given qr and qr_scale (the run's own: how q is judged), with the staging
// tensors of the scope's tasks.
struct QStages {
  std::vector<float> q_acc;        // [T, H·HEAD_DIM] int32 sum over all K tiles but the last (empty if one)
  std::vector<float> q_full;       // [T, H·HEAD_DIM] fp32, step 5
  std::vector<float> q_pe_normed;  // [T, H·ROPE] fp32: step 6 on the ROPE dims, before rotating
  std::vector<float> q;            // [T, H, HEAD_DIM] bf16 values
};
QStages q_stages_from_qr(const Config& cfg, const QkvInputsView& in, std::span<const std::int8_t> qr,
                         std::span<const float> qr_scale);

// The same steps one stage at a time, each from the run's own input of that stage:
// step 6 from a q_full: fills q's NOPE dims (bf16 values; ROPE dims left 0) and q_pe_normed.
void q_head_norm_golden(const Config& cfg, std::span<const float> q_full, std::vector<float>& q,
                        std::vector<float>& q_pe_normed);
// Steps 7-8 from a q_pe_normed: fills q's ROPE dims (bf16 values).
void q_rope_golden(const Config& cfg, const QkvInputsView& in, std::span<const float> q_pe_normed, std::vector<float>& q);

// Split-K partials of a @ w ([T, K] @ [K, N], bf16): rows [s·T, (s+1)·T) hold split s's
// product over K rows [s·K/KS, (s+1)·K/KS), fp32 — the staging qr_partial / kv_partial.
std::vector<float> split_k_partials(const Config& cfg, std::span<const bf16> a, std::span<const bf16> w,
                                    std::int64_t k, std::int64_t n);

}  // namespace tg::models::deepseek_v4
