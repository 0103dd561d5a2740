#pragma once
// The kernels of qkv_proj_rope that no library kernel is (the projections are the library's
// matmul): the fused norm-and-quantize passes, the dequantizing last K step, the per-head
// norm and RoPE. Each is a descriptor: named parameters, one block's tiles (the stages in
// qkv_proj_rope.cpp say how a block cuts each argument), a cost of those tiles.
#include <cstdint>
#include <functional>

#include "kernels/packed_weights.hpp"
#include "kernels/rmsnorm.hpp"
#include "kernels/rope.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::models::deepseek_v4 {

// Split-K partials seen as [K_SPLIT, T, cols]: a block's tile holds its token rows of every split.
template <template <Access> class F> struct RmsNormQuantParams {
  F<Access::In> qr_partial;  // [K_SPLIT, rows, Q_LORA] fp32
  F<Access::In> gamma_cq;    // [Q_LORA] bf16
  F<Access::Out> qr;         // [rows, Q_LORA] int8
  F<Access::Out> qr_scale;   // [rows, 1] fp32
  auto fields() { return std::tie(qr_partial, gamma_cq, qr, qr_scale); }
};
template <template <Access> class F> struct MatmulDequantParams {
  F<Access::In> a;            // [rows, Q_PROJ_TILE] int8 codes
  F<Access::In> b;            // [Q_PROJ_TILE, n] int8 tile of wq_b
  F<Access::In> q_acc{};      // [rows, n] int32 of the earlier K steps (none when there is one step)
  F<Access::In> qr_scale;     // [rows, 1] fp32
  F<Access::In> wq_b_scale;   // [n] fp32
  F<Access::Out> q_full;      // [rows, n] fp32
  auto fields() { return std::tie(a, b, q_acc, qr_scale, wq_b_scale, q_full); }
};
template <template <Access> class F> struct HeadNormParams {
  F<Access::In> q_full;        // [rows, heads·HEAD_DIM] fp32
  F<Access::Out> q;            // [rows, heads, NOPE] bf16: the NOPE dims of q
  F<Access::Out> q_pe_normed;  // [rows, heads·ROPE] fp32
  auto fields() { return std::tie(q_full, q, q_pe_normed); }
};
template <template <Access> class F> struct HeadRopeParams {
  F<Access::In> q_pe_normed;  // [rows, heads·ROPE] fp32
  F<Access::In> rope_cos;     // [rows, ROPE] bf16
  F<Access::In> rope_sin;
  F<Access::Out> q;           // [rows, heads, ROPE] bf16: the ROPE dims of q
  auto fields() { return std::tie(q_pe_normed, rope_cos, rope_sin, q); }
};
template <template <Access> class F> struct KvNormRopeParams {
  F<Access::In> kv_partial;  // [K_SPLIT, rows, HEAD_DIM] fp32
  F<Access::In> gamma_ckv;   // [HEAD_DIM] bf16
  F<Access::In> rope_cos;    // [rows, ROPE] bf16
  F<Access::In> rope_sin;
  F<Access::Out> kv;         // [rows, HEAD_DIM] bf16
  auto fields() { return std::tie(kv_partial, gamma_ckv, rope_cos, rope_sin, kv); }
};

// Host tiling, stages 4-8 in one block: a token block's q for a tile of heads.
template <template <Access> class F> struct QprojHeadsParams {
  F<Access::In> a;           // [rows, Q_LORA] int8 codes (qr)
  F<Access::In> b;           // [Q_LORA, heads·HEAD_DIM] int8 columns of wq_b
  F<Access::In> qr_scale;    // [rows, 1] fp32
  F<Access::In> wq_b_scale;  // [heads·HEAD_DIM] fp32
  F<Access::In> rope_cos;    // [rows, ROPE] bf16
  F<Access::In> rope_sin;
  F<Access::Out> q;          // [rows, heads, HEAD_DIM] bf16
  auto fields() { return std::tie(a, b, qr_scale, wq_b_scale, rope_cos, rope_sin, q); }
};

// The packed form of a block's bound weight tile (models/common/weight_packs.hpp); empty = the view.
using PackedOf = std::function<const kernels::PackedWeights&(const View& b)>;

// Stages 2-3: inv_rms and amax first, then re-normalize × gamma and quantize straight from
// fp32; `bf16_hop` plants the extra bf16 rounding of seed 003's first version.
TypedKernel<RmsNormQuantParams> qr_rms_norm_quant_kernel(float eps, bool bf16_hop);
// Stages 4-5, last K step: int32 accumulator (+ this step's product) dequantized to fp32.
TypedKernel<MatmulDequantParams> qproj_matmul_dequant_kernel();
// Stage 6: per-head RMSNorm without gamma; NOPE dims to q, ROPE dims to q_pe_normed.
TypedKernel<HeadNormParams> q_head_norm_kernel(std::int64_t head_dim, std::int64_t rope, const kernels::RmsNormOptions& norm);
// Stages 7-8: partial RoPE of each head's ROPE dims, into q.
TypedKernel<HeadRopeParams> q_rope_kernel(std::int64_t rope, const kernels::RopeOptions& options);
// Host tiling, stages 4-8: q_i32 = qr @ wq_b over the whole K (int32: exact, so the same
// bits as the K loop), dequantized, per-head RMSNorm, NOPE dims to q, RoPE of the ROPE dims to
// q; the reference's q_full and q_pe_normed stay in the block's scratch.
TypedKernel<QprojHeadsParams> qproj_heads_kernel(PackedOf packed_of, std::int64_t head_dim, std::int64_t rope,
                                                 const kernels::RmsNormOptions& norm, const kernels::RopeOptions& options);
// KV path: RMSNorm of the summed partials with gamma_ckv, RoPE of the last ROPE dims.
TypedKernel<KvNormRopeParams> kv_rms_norm_rope_kernel(std::int64_t rope, float eps, const kernels::RopeOptions& options);

}  // namespace tg::models::deepseek_v4
