#pragma once
// The kernels of scope 1 that no library kernel is: the per-batch-row bodies of q_rope,
// decode_cache_write and q_split (and the three fused), and the planted variance bug. Each is
// a descriptor (tasks/typed_kernel.hpp): named parameters, one block's views (one batch row),
// and a cost of those views. The stages (scope1.cpp) say how each block cuts its arguments.
#include <cstdint>

#include "kernels/descriptors/rmsnorm.hpp"
#include "models/deepseek_v3_2/config.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::models::deepseek_v3_2 {

// The per-row geometry the bodies need (views do not say how many heads a row holds).
struct RowDims {
  std::int64_t heads, q, n, r, max_seq;  // NUM_HEADS, QK_HEAD_DIM, QK_NOPE_HEAD_DIM, R, MAX_SEQ
  static RowDims of(const Scope1Config& config);
};

// One batch row b: q_proj[b], seq_lens[b], the whole RoPE tables, q_roped[b].
template <template <Access> class F> struct QRopeParams {
  F<Access::In> q_proj;
  F<Access::In> seq_len;
  F<Access::In> rope_cos;
  F<Access::In> rope_sin;
  F<Access::Out> q_roped;
  auto fields() { return std::tie(q_proj, seq_len, rope_cos, rope_sin, q_roped); }
};
// One batch row b: its normed kv and rope part, and its cache segments [b*MAX_SEQ, (b+1)*MAX_SEQ).
template <template <Access> class F> struct CacheWriteParams {
  F<Access::In> kv_normed;
  F<Access::In> kv_pe;
  F<Access::In> seq_len;
  F<Access::In> rope_cos;
  F<Access::In> rope_sin;
  F<Access::InOut> kv_cache;
  F<Access::InOut> pe_cache;
  auto fields() { return std::tie(kv_normed, kv_pe, seq_len, rope_cos, rope_sin, kv_cache, pe_cache); }
};
template <template <Access> class F> struct QSplitParams {
  F<Access::In> q_roped;
  F<Access::Out> q_nope_out;
  F<Access::Out> q_pe_out;
  auto fields() { return std::tie(q_roped, q_nope_out, q_pe_out); }
};
// q_rope, decode_cache_write and q_split of one batch row in one body.
template <template <Access> class F> struct QRopeCacheWriteSplitParams {
  F<Access::In> q_proj;
  F<Access::In> seq_len;
  F<Access::In> rope_cos;
  F<Access::In> rope_sin;
  F<Access::Out> q_nope_out;
  F<Access::Out> q_pe_out;
  F<Access::In> kv_normed;
  F<Access::In> kv_pe;
  F<Access::InOut> kv_cache;
  F<Access::InOut> pe_cache;
  auto fields() {
    return std::tie(q_proj, seq_len, rope_cos, rope_sin, q_nope_out, q_pe_out, kv_normed, kv_pe, kv_cache, pe_cache);
  }
};

// Costs: the flops of the rotation (6 per rotated pair element), every row view once, and
// one row of each RoPE table and cache segment (the row at pos), not the whole of them.
TypedKernel<QRopeParams> q_rope_kernel(const RowDims& dims);
TypedKernel<CacheWriteParams> cache_write_kernel(const RowDims& dims);
TypedKernel<QSplitParams> q_split_kernel(const RowDims& dims);
TypedKernel<QRopeCacheWriteSplitParams> q_rope_cache_write_split_kernel(const RowDims& dims);

// Planted bug: y = bf16(x * variance * gamma), variance = mean(x^2) (no 1/sqrt, no eps); one
// row per block, costed as the rmsnorm it replaces.
TypedKernel<kernels::descriptors::RmsNormParams> rmsnorm_times_variance_kernel();

}  // namespace tg::models::deepseek_v3_2
