#include "models/deepseek_v4/qkv_kernels.hpp"

#include "kernels/descriptors/matmul.hpp"
#include "kernels/kernels.hpp"
#include "models/common/tiled_tasks.hpp"
#include "models/deepseek_v4/scratch.hpp"

namespace tg::models::deepseek_v4 {

namespace {

using std::int64_t;

// Split k of a [K_SPLIT, rows, cols] partials tile, as [rows, cols].
View split_of(const View& partials, int64_t k) {
  return partials.slice({k, 0, 0}, {1, partials.size(1), partials.size(2)}).reshape({partials.size(1), partials.size(2)});
}

// Sums the split-K partials of a block's token rows in split order into `sum` [rows, cols].
void sum_partials(const View& partials, const View& sum) {
  for (int64_t k = 0; k < partials.size(0); ++k) {
    if (k == 0)
      kernels::cast(split_of(partials, k), sum);
    else
      kernels::scale(split_of(partials, k), View{}, View{}, sum, {.accumulate = true});
  }
}

// Head h of a [rows, heads, cols] tile of q, as [rows, cols].
View head_of(const View& q_tile, int64_t h) {
  return matrix_of(q_tile.slice({0, h, 0}, {q_tile.size(0), 1, q_tile.size(2)}));
}

double elements(const View& v) { return static_cast<double>(v.numel()); }

}  // namespace

TypedKernel<RmsNormQuantParams> qr_rms_norm_quant_kernel(float eps, bool bf16_hop) {
  using V = RmsNormQuantParams<BlockView>;
  return {"qr_rms_norm_quant", TaskKind::Vector, {{"qr_partial", {FP32}}, {"gamma_cq", {BF16}}, {"qr", {INT8}}, {"qr_scale", {FP32}}},
          [eps, bf16_hop](const V& v, const TaskContext&) {
            const int64_t rows = v.qr.size(0), cols = v.qr.size(1);
            Scratch sum("qr_lin", FP32, {rows, cols}), inv("inv_rms", FP32, {rows});
            sum_partials(v.qr_partial.view(), sum.view());
            kernels::rms_inv(sum.view(), inv.view(), {.eps = eps});
            Scratch normed("qr_n", bf16_hop ? BF16 : FP32, {rows, cols});
            kernels::scale(sum.view(), inv.view(), v.gamma_cq.view(), normed.view());
            kernels::quantize_int8_rows(normed.view(), v.qr.view(), v.qr_scale.view());
          },
          [](const V& v) {
            // Sum the splits, then square, sum, normalize, × gamma, |x| and max, quantize.
            CostHint hint = streaming_cost_of(v, elements(v.qr_partial.view()) + 6.0 * elements(v.qr.view()));
            hint.working_set_bytes = 2 * static_cast<std::uint64_t>(v.qr.numel()) * sizeof(float);  // qr_lin and qr_n
            return hint;
          }};
}

TypedKernel<MatmulDequantParams> qproj_matmul_dequant_kernel() {
  using V = MatmulDequantParams<BlockView>;
  return {"qproj_matmul_dequant", TaskKind::Mix,
          {{"a", {INT8}}, {"b", {INT8}}, {"q_acc", {INT32}, true}, {"qr_scale", {FP32}}, {"wq_b_scale", {FP32}}, {"q_full", {FP32}}},
          [](const V& v, const TaskContext&) {
            Scratch acc("q_i32", INT32, v.q_full.sizes());
            if (v.q_acc.valid()) kernels::cast(v.q_acc.view(), acc.view());
            kernels::matmul(v.a.view(), v.b.view(), acc.view(), {.accumulate = v.q_acc.valid()});
            kernels::dequantize_int32(acc.view(), v.qr_scale.view(), v.wq_b_scale.view(), v.q_full.view());
          },
          [](const V& v) {
            CostHint hint = kernels::descriptors::matmul_cost(v.a.view(), v.b.view(), v.q_full.view(), false);
            hint.flops += 2.0 * elements(v.q_full.view());  // the two scale products of the dequant
            for (const auto* extra : {&v.qr_scale, &v.wq_b_scale}) hint.bytes += static_cast<double>(extra->bytes());
            if (v.q_acc.valid()) hint.bytes += static_cast<double>(v.q_acc.bytes());
            hint.working_set_bytes += v.q_full.bytes();  // the int32 accumulator beside the fp32 result
            return hint;
          }};
}

TypedKernel<HeadNormParams> q_head_norm_kernel(int64_t head_dim, int64_t rope, const kernels::RmsNormOptions& norm) {
  using V = HeadNormParams<BlockView>;
  return {"q_head_norm", TaskKind::Vector, {{"q_full", {FP32}}, {"q", {BF16}}, {"q_pe_normed", {FP32}}},
          [head_dim, rope, norm](const V& v, const TaskContext&) {
            const int64_t rows = v.q_full.size(0), heads = v.q.size(1), nope = head_dim - rope;
            Scratch normed("q_head", FP32, {rows, head_dim});
            for (int64_t h = 0; h < heads; ++h) {
              kernels::rmsnorm(v.q_full.view().cols(h * head_dim, head_dim), View{}, normed.view(), norm);
              kernels::cast(normed.view().cols(0, nope), head_of(v.q.view(), h));
              kernels::cast(normed.view().cols(nope, rope), v.q_pe_normed.view().cols(h * rope, rope));
            }
          },
          [](const V& v) { return streaming_cost_of(v, 4.0 * elements(v.q_full.view())); }};
}

TypedKernel<QprojHeadsParams> qproj_heads_kernel(PackedOf packed_of, int64_t head_dim, int64_t rope,
                                                 const kernels::RmsNormOptions& norm, const kernels::RopeOptions& options) {
  using V = QprojHeadsParams<BlockView>;
  return {"qproj_heads", TaskKind::Mix,
          {{"a", {INT8}}, {"b", {INT8}}, {"qr_scale", {FP32}}, {"wq_b_scale", {FP32}}, {"rope_cos", {BF16}}, {"rope_sin", {BF16}},
           {"q", {BF16}}},
          [packed_of = std::move(packed_of), head_dim, rope, norm, options](const V& v, const TaskContext&) {
            const int64_t rows = v.q.size(0), heads = v.q.size(1), n = heads * head_dim, nope = head_dim - rope;
            Scratch acc("q_i32", INT32, {rows, n}), full("q_full", FP32, {rows, n}), normed("q_head", FP32, {rows, head_dim});
            if (packed_of)
              kernels::matmul(v.a.view(), packed_of(v.b.view()), acc.view());
            else
              kernels::matmul(v.a.view(), v.b.view(), acc.view());
            kernels::dequantize_int32(acc.view(), v.qr_scale.view(), v.wq_b_scale.view(), full.view());
            for (int64_t h = 0; h < heads; ++h) {
              const View q_head = head_of(v.q.view(), h);
              kernels::rmsnorm(full.view().cols(h * head_dim, head_dim), View{}, normed.view(), norm);
              kernels::cast(normed.view().cols(0, nope), q_head.cols(0, nope));
              kernels::rope(normed.view().cols(nope, rope), v.rope_cos.view(), v.rope_sin.view(), q_head.cols(nope, rope), options);
            }
          },
          [](const V& v) {
            const double rows = static_cast<double>(v.a.size(0)), k = static_cast<double>(v.a.size(1));
            const double n = static_cast<double>(v.b.size(1));
            // The matmul, then per q element: the two dequant products, the norm (4), the rotation (3, ROPE dims only).
            CostHint hint = streaming_cost_of(v, 2.0 * rows * n * k + 9.0 * elements(v.q.view()));
            hint.int8 = true;
            hint.working_set_bytes += 3 * static_cast<std::uint64_t>(rows * n) * sizeof(float);  // q_i32, q_full, one head
            return hint;
          }};
}

TypedKernel<HeadRopeParams> q_rope_kernel(int64_t rope, const kernels::RopeOptions& options) {
  using V = HeadRopeParams<BlockView>;
  return {"q_rope", TaskKind::Vector, {{"q_pe_normed", {FP32}}, {"rope_cos", {BF16}}, {"rope_sin", {BF16}}, {"q", {BF16}}},
          [rope, options](const V& v, const TaskContext&) {
            for (int64_t h = 0; h < v.q.size(1); ++h)
              kernels::rope(v.q_pe_normed.view().cols(h * rope, rope), v.rope_cos.view(), v.rope_sin.view(), head_of(v.q.view(), h),
                            options);
          },
          [](const V& v) { return streaming_cost_of(v, 3.0 * elements(v.q.view())); }};
}

TypedKernel<KvNormRopeParams> kv_rms_norm_rope_kernel(int64_t rope, float eps, const kernels::RopeOptions& options) {
  using V = KvNormRopeParams<BlockView>;
  return {"kv_rms_norm_rope", TaskKind::Vector,
          {{"kv_partial", {FP32}}, {"gamma_ckv", {BF16}}, {"rope_cos", {BF16}}, {"rope_sin", {BF16}}, {"kv", {BF16}}},
          [rope, eps, options](const V& v, const TaskContext&) {
            const int64_t rows = v.kv.size(0), head_dim = v.kv.size(1), nope = head_dim - rope;
            Scratch normed("kv_n", FP32, {rows, head_dim});
            sum_partials(v.kv_partial.view(), normed.view());
            kernels::rmsnorm(normed.view(), v.gamma_ckv.view(), normed.view(), {.eps = eps});
            kernels::cast(normed.view().cols(0, nope), v.kv.view().cols(0, nope));
            kernels::rope(normed.view().cols(nope, rope), v.rope_cos.view(), v.rope_sin.view(), v.kv.view().cols(nope, rope), options);
          },
          [rope](const V& v) {
            // Sum the splits, the norm (4 per element), the rotation (3 per rotated element).
            CostHint hint = streaming_cost_of(v, elements(v.kv_partial.view()) + 4.0 * elements(v.kv.view()) +
                                                     3.0 * static_cast<double>(v.kv.size(0) * rope));
            hint.working_set_bytes = 2 * static_cast<std::uint64_t>(v.kv.numel()) * sizeof(float);
            return hint;
          }};
}

}  // namespace tg::models::deepseek_v4
