#pragma once
// The kernels of SWA attention that no library kernel is (o_r_quant is the library's
// quantize_int8_rows): the paged-cache gather, the tiled online-softmax attention of one
// token's heads, and the grouped output projections. Each is a descriptor: named parameters,
// one block's tiles (the stages in swa_attention.cpp say how a block cuts each argument), a
// cost of those tiles.
#include <cstdint>
#include <memory>

#include "models/common/weight_packs.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::models::deepseek_v4 {

template <template <Access> class F> struct GatherParams {
  F<Access::In> ori_kv;       // [BLOCKS, 128, 1, HEAD_DIM] bf16, whole: any row may be named
  F<Access::In> swa_indices;  // [1, WIN] int32: this token's slots
  F<Access::In> swa_lens;     // [1] int32
  F<Access::Out> kv_window;   // [WIN, HEAD_DIM] bf16
  auto fields() { return std::tie(ori_kv, swa_indices, swa_lens, kv_window); }
};
template <template <Access> class F> struct AttentionParams {
  F<Access::In> q;            // [1, heads, HEAD_DIM] bf16
  F<Access::In> kv_window;    // [WIN, HEAD_DIM] bf16
  F<Access::In> swa_indices;  // [1, WIN] int32
  F<Access::In> swa_lens;     // [1] int32
  F<Access::In> attn_sink;    // [heads] fp32
  F<Access::In> freqs_cos;    // [1, ROPE] bf16
  F<Access::In> freqs_sin;
  F<Access::Out> o;           // [1, heads, HEAD_DIM] bf16
  auto fields() { return std::tie(q, kv_window, swa_indices, swa_lens, attn_sink, freqs_cos, freqs_sin, o); }
};
template <template <Access> class F> struct GroupProjParams {
  F<Access::In> o;     // [T, HPG, HEAD_DIM] bf16: one group's heads
  F<Access::In> wo_a;  // [1, n, HPG·HEAD_DIM] bf16: rows of the group's wo_a
  F<Access::Out> o_r;  // [T, 1, n] fp32
  auto fields() { return std::tie(o, wo_a, o_r); }
};
template <template <Access> class F> struct OutProjParams {
  F<Access::In> o_r_i8;        // [T, G, O_LORA] int8, whole
  F<Access::In> o_r_scale_dq;  // [T, G] fp32, whole
  F<Access::In> wo_b;          // [n, G·O_LORA] int8: this block's rows of D
  F<Access::In> wo_b_scale;    // [n] fp32
  F<Access::Out> attn_out;     // [T, n] bf16
  auto fields() { return std::tie(o_r_i8, o_r_scale_dq, wo_b, wo_b_scale, attn_out); }
};

// Step 1: token t's window rows from the paged cache; invalid slots get a zero row; a
// valid-prefix row outside [-1, BLOCKS·128) is a ShapeError naming token and slot.
TypedKernel<GatherParams> swa_gather_kv_kernel();
// Steps 2-6 for one token and a tile of heads, ATTN_K_TILE window rows per online-softmax step.
TypedKernel<AttentionParams> swa_attention_kernel(std::int64_t attn_k_tile, std::int64_t rope, float softmax_scale);
// Step 7a: o_r[t, g, n tile] = o_group[t, g] @ wo_a[g, n tile]ᵀ.
TypedKernel<GroupProjParams> o_proj_a_kernel();
// Step 7c: attn_out[:, D tile] = (Σ_g dequant(o_r_i8[:, g] @ wo_b[D tile, g]ᵀ)) · wo_b_scale, groups in order.
TypedKernel<OutProjParams> o_proj_b_kernel();

// The host tiling's forms of 7a and 7c on weights packed once when bound (`packs`, which the
// stage registered: o_proj_a's wo_a tile as lane segments, o_proj_b's wo_b tile per group as
// its transpose). Same bits as the kernels above: o_proj_a keeps the transposed bf16 order
// (models/common/lane_matmul.hpp), o_proj_b's int32 sums are exact in any order.
TypedKernel<GroupProjParams> o_proj_a_packed_kernel(std::shared_ptr<const WeightPacks> packs);
TypedKernel<OutProjParams> o_proj_b_packed_kernel(std::shared_ptr<const WeightPacks> packs);

}  // namespace tg::models::deepseek_v4
