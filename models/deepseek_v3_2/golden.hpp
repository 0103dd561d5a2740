#pragma once
// The independent golden of DeepSeek V3.2 decode scope 1: plain loops in the spec's order
// with its bf16 rounding points, fp64 accumulation, 1/sqrt in fp64. It never calls the task
// kernels. Each stage is a function of its own inputs, so the precision check can apply it
// to the run's own stage inputs (local check) as well as chain it from the scope inputs.
// Tensors are row-major fp32 vectors; bf16 tensors hold bf16-representable values.
// Cost: the three projections dominate, O(B * (HIDDEN * (Q_LORA + KV_A_OUT) + Q_LORA *
// NUM_HEADS * QK_HEAD_DIM)) multiply-adds.
#include <cstdint>
#include <vector>

#include "models/deepseek_v3_2/config.hpp"

namespace tg::models::deepseek_v3_2::golden {

using Tensor = std::vector<float>;
using Positions = std::vector<std::int32_t>;

// Stage 1: normed_states = bf16(x * inv * input_rms_weight), inv = 1/sqrt(mean(x^2) + eps).
Tensor input_rmsnorm(const Scope1Config& c, const Tensor& hidden_states, const Tensor& input_rms_weight);
// Stage 2: qr_fp32 = normed_states @ wq_a, not rounded.
Tensor q_lora_proj(const Scope1Config& c, const Tensor& normed_states, const Tensor& wq_a);
// Stage 3: variance of the unrounded qr_fp32; operand rounded to bf16 before the multiply.
Tensor q_lora_rmsnorm(const Scope1Config& c, const Tensor& qr_fp32, const Tensor& q_norm_weight);
// Stage 4: the fp32 product qr_out @ wq_b (q_head_proj) and its bf16 rounding
// (q_head_proj_write) = q_proj.
Tensor q_head_proj_fp32(const Scope1Config& c, const Tensor& qr_out, const Tensor& wq_b);
// Stage 5: the fp32 product normed_states @ wkv_a (kv_a_proj); kv_a_out = its bf16 rounding.
Tensor kv_a_proj_fp32(const Scope1Config& c, const Tensor& normed_states, const Tensor& wkv_a);
// bf16(x) elementwise: the *_write stages.
Tensor round_bf16(const Tensor& values);
// Stage 6: q_roped = q_proj with each head's rope columns rotated (half-split) at
// pos = seq_lens[b] - 1; nope columns copied.
Tensor q_rope(const Scope1Config& c, const Tensor& q_proj, const Positions& seq_lens, const Tensor& rope_cos,
              const Tensor& rope_sin);
// Stage 7: kv_normed = bf16(kv * inv * kv_norm_weight) over kv_a_out[:, 0:KV_LORA_RANK].
Tensor kv_rmsnorm(const Scope1Config& c, const Tensor& kv_a_out, const Tensor& kv_norm_weight);

struct Caches {
  Tensor kv_cache;
  Tensor pe_cache;
};
// Stage 8: row b*MAX_SEQ + pos of each cache gets kv_normed[b] / the rotated pe part of
// kv_a_out[b]; every other row keeps its value.
Caches decode_cache_write(const Scope1Config& c, const Tensor& kv_normed, const Tensor& kv_a_out,
                          const Positions& seq_lens, const Tensor& rope_cos, const Tensor& rope_sin,
                          Caches before);

struct QSplit {
  Tensor q_nope_out;
  Tensor q_pe_out;
};
// Stage 9: per head, the nope and rope columns of q_roped into two tensors.
QSplit q_split(const Scope1Config& c, const Tensor& q_roped);

// The rows decode_cache_write changes: b*MAX_SEQ + seq_lens[b] - 1.
std::vector<std::int64_t> written_cache_rows(const Scope1Config& c, const Positions& seq_lens);

}  // namespace tg::models::deepseek_v3_2::golden
