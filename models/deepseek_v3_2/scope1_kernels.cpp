#include "models/deepseek_v3_2/scope1_kernels.hpp"

#include <string>

#include "kernels/cast.hpp"
#include "kernels/rope.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v3_2 {

namespace {

using std::int64_t;

// pos = seq_lens[b] - 1, checked: a bad position would write outside the cache.
int64_t position_of(const View& seq_len, int64_t max_seq) {
  const auto len = seq_len.at<std::int32_t>({0});
  const int64_t b = seq_len.box() ? seq_len.box()->offsets[0] : 0;
  if (len < 1 || len > max_seq)
    throw ConfigError("seq_lens[" + std::to_string(b) + "] = " + std::to_string(len) + " is outside [1, MAX_SEQ = " +
                      std::to_string(max_seq) + "]");
  return len - 1;
}

// The bytes of one row of `v` (a RoPE table or a cache segment: one row of it is touched).
double row_bytes(const View& v) { return static_cast<double>(v.bytes()) / static_cast<double>(v.size(0)); }

CostHint row_cost(double flops, double bytes) {
  return CostHint{flops, bytes, static_cast<std::uint64_t>(bytes), false};
}

double rope_flops(const RowDims& d, int64_t rotated_rows) { return 6.0 * static_cast<double>(rotated_rows * d.r); }

template <class V> double q_rope_bytes(const V& v) {
  return static_cast<double>(v.q_proj.bytes() + v.seq_len.bytes()) + row_bytes(v.rope_cos.view()) + row_bytes(v.rope_sin.view());
}
template <class V> double cache_write_bytes(const V& v) {
  return static_cast<double>(v.kv_normed.bytes() + v.kv_pe.bytes()) + row_bytes(v.kv_cache.view()) + row_bytes(v.pe_cache.view());
}

// q_roped[b] = q_proj[b] with each head's rope columns rotated at pos, nope columns copied.
void q_rope_row(const RowDims& d, const View& q_proj, const View& seq_len, const View& cos, const View& sin,
                const View& q_roped) {
  const int64_t pos = position_of(seq_len, d.max_seq);
  const View src = q_proj.reshape({d.heads, d.q}), dst = q_roped.reshape({d.heads, d.q});
  kernels::cast(src.cols(0, d.n), dst.cols(0, d.n));
  kernels::rope(src.cols(d.n, d.r), cos.rows(pos, 1), sin.rows(pos, 1), dst.cols(d.n, d.r), {});
}

// Row pos of batch b's cache segments: kv_normed[b], and the rotated pe part of kv_a_out[b].
void cache_write_row(const RowDims& d, const View& kv_normed, const View& kv_pe, const View& seq_len, const View& cos,
                     const View& sin, const View& kv_cache_segment, const View& pe_cache_segment) {
  const int64_t pos = position_of(seq_len, d.max_seq);
  kernels::cast(kv_normed, kv_cache_segment.rows(pos, 1));
  kernels::rope(kv_pe, cos.rows(pos, 1), sin.rows(pos, 1), pe_cache_segment.rows(pos, 1), {});
}

void q_split_row(const RowDims& d, const View& q_roped, const View& q_nope_out, const View& q_pe_out) {
  const View src = q_roped.reshape({d.heads, d.q});
  kernels::cast(src.cols(0, d.n), q_nope_out.reshape({d.heads, d.n}));
  kernels::cast(src.cols(d.n, d.r), q_pe_out.reshape({d.heads, d.r}));
}

const std::vector<TypedParam>& q_rope_params() {
  static const std::vector<TypedParam> p{{"q_proj", {BF16}}, {"seq_len", {INT32}}, {"rope_cos", {FP32}},
                                         {"rope_sin", {FP32}}, {"q_roped", {BF16}}};
  return p;
}

}  // namespace

RowDims RowDims::of(const Scope1Config& c) {
  return {c.num_heads, c.qk_head_dim(), c.qk_nope_head_dim, c.qk_rope_head_dim, c.max_seq};
}

TypedKernel<QRopeParams> q_rope_kernel(const RowDims& d) {
  using V = QRopeParams<BlockView>;
  return {"q_rope", TaskKind::Vector, q_rope_params(),
          [d](const V& v, const TaskContext&) {
            q_rope_row(d, v.q_proj.view(), v.seq_len.view(), v.rope_cos.view(), v.rope_sin.view(), v.q_roped.view());
          },
          [d](const V& v) { return row_cost(rope_flops(d, d.heads), q_rope_bytes(v) + static_cast<double>(v.q_roped.bytes())); }};
}

TypedKernel<CacheWriteParams> cache_write_kernel(const RowDims& d) {
  using V = CacheWriteParams<BlockView>;
  return {"decode_cache_write", TaskKind::Vector,
          {{"kv_normed", {BF16}}, {"kv_pe", {BF16}}, {"seq_len", {INT32}}, {"rope_cos", {FP32}}, {"rope_sin", {FP32}},
           {"kv_cache", {BF16}}, {"pe_cache", {BF16}}},
          [d](const V& v, const TaskContext&) {
            cache_write_row(d, v.kv_normed.view(), v.kv_pe.view(), v.seq_len.view(), v.rope_cos.view(), v.rope_sin.view(),
                            v.kv_cache.view(), v.pe_cache.view());
          },
          [d](const V& v) {
            return row_cost(rope_flops(d, 1), cache_write_bytes(v) + static_cast<double>(v.seq_len.bytes()) +
                                                  row_bytes(v.rope_cos.view()) + row_bytes(v.rope_sin.view()));
          }};
}

TypedKernel<QSplitParams> q_split_kernel(const RowDims& d) {
  using V = QSplitParams<BlockView>;
  return {"q_split", TaskKind::Vector, {{"q_roped", {BF16}}, {"q_nope_out", {BF16}}, {"q_pe_out", {BF16}}},
          [d](const V& v, const TaskContext&) { q_split_row(d, v.q_roped.view(), v.q_nope_out.view(), v.q_pe_out.view()); },
          [](const V& v) { return streaming_cost_of(v, 0.0); }};
}

TypedKernel<QRopeCacheWriteSplitParams> q_rope_cache_write_split_kernel(const RowDims& d) {
  using V = QRopeCacheWriteSplitParams<BlockView>;
  return {"q_rope_cache_write_split", TaskKind::Vector,
          {{"q_proj", {BF16}}, {"seq_len", {INT32}}, {"rope_cos", {FP32}}, {"rope_sin", {FP32}}, {"q_nope_out", {BF16}},
           {"q_pe_out", {BF16}}, {"kv_normed", {BF16}}, {"kv_pe", {BF16}}, {"kv_cache", {BF16}}, {"pe_cache", {BF16}}},
          [d](const V& v, const TaskContext&) {
            // The rotated q goes straight into q_nope_out / q_pe_out: no q_roped in between.
            const int64_t pos = position_of(v.seq_len.view(), d.max_seq);
            const View q = v.q_proj.view().reshape({d.heads, d.q});
            const View cos = v.rope_cos.view(), sin = v.rope_sin.view();
            kernels::cast(q.cols(0, d.n), v.q_nope_out.view().reshape({d.heads, d.n}));
            kernels::rope(q.cols(d.n, d.r), cos.rows(pos, 1), sin.rows(pos, 1), v.q_pe_out.view().reshape({d.heads, d.r}), {});
            cache_write_row(d, v.kv_normed.view(), v.kv_pe.view(), v.seq_len.view(), cos, sin, v.kv_cache.view(),
                            v.pe_cache.view());
          },
          [d](const V& v) {
            const double bytes = q_rope_bytes(v) + static_cast<double>(v.q_nope_out.bytes() + v.q_pe_out.bytes()) +
                                 cache_write_bytes(v);
            return row_cost(rope_flops(d, d.heads + 1), bytes);
          }};
}

TypedKernel<kernels::descriptors::RmsNormParams> rmsnorm_times_variance_kernel() {
  using V = kernels::descriptors::RmsNormParams<BlockView>;
  return {"rmsnorm_times_variance", TaskKind::Vector,
          {{"x", {BF16}}, {"gamma", {FP32}, true}, {"y", {BF16}}, {"inv_rms", {FP32}, true}},
          [](const V& v, const TaskContext&) {
            const int64_t cols = v.x.size(1);
            const bf16* x = v.x.row<bf16>(0);
            float ss = 0;
            for (int64_t k = 0; k < cols; ++k) ss += x[k].to_float() * x[k].to_float();
            const float variance = ss / static_cast<float>(cols);
            for (int64_t k = 0; k < cols; ++k) v.y.row<bf16>(0)[k] = bf16(x[k].to_float() * variance * v.gamma.row<float>(0)[k]);
          },
          [](const V& v) { return streaming_cost_of(v, 4.0 * static_cast<double>(v.x.numel())); }};
}

}  // namespace tg::models::deepseek_v3_2
