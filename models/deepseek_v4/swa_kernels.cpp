#include "models/deepseek_v4/swa_kernels.hpp"

#include <cstring>
#include <limits>

#include "kernels/descriptors/matmul.hpp"
#include "kernels/kernels.hpp"
#include "kernels/packed_weights.hpp"
#include "models/common/lane_matmul.hpp"
#include "models/common/tiled_tasks.hpp"
#include "models/deepseek_v4/scratch.hpp"
#include "models/deepseek_v4/swa_golden.hpp"
#include "models/deepseek_v4/swa_indices.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v4 {

namespace {

using kernels::matmul;
using std::int64_t;

bool slot_valid(const std::int32_t* indices, std::int32_t len, int64_t j) { return j < len && indices[j] >= 0; }

// The token a block's [1] tile of swa_lens belongs to (its offset in the buffer).
int64_t token_of(const View& lens_tile) { return lens_tile.box() ? lens_tile.box()->offsets[0] : 0; }

double elements(const View& v) { return static_cast<double>(v.numel()); }

}  // namespace

TypedKernel<GatherParams> swa_gather_kv_kernel() {
  using V = GatherParams<BlockView>;
  return {"swa_gather_kv", TaskKind::Vector, {{"ori_kv", {BF16}}, {"swa_indices", {INT32}}, {"swa_lens", {INT32}}, {"kv_window", {BF16}}},
          [](const V& v, const TaskContext&) {
            const int64_t window = v.kv_window.size(0), head_dim = v.kv_window.size(1);
            const int64_t cache_rows = v.ori_kv.numel() / head_dim;
            const bf16* cache = v.ori_kv.data<bf16>();
            const std::int32_t* idx = v.swa_indices.row<std::int32_t>(0);
            const std::int32_t len = v.swa_lens.at<std::int32_t>({0});
            bf16* out = v.kv_window.row<bf16>(0);
            for (int64_t j = 0; j < window; ++j) {
              bf16* dst = out + j * head_dim;
              if (j < len && (idx[j] < -1 || idx[j] >= cache_rows))
                throw ShapeError("swa_gather_kv: " + bad_swa_index_text({token_of(v.swa_lens.view()), j, idx[j], len}, cache_rows));
              if (!slot_valid(idx, len, j)) {
                std::memset(static_cast<void*>(dst), 0, static_cast<std::size_t>(head_dim) * sizeof(bf16));
                continue;
              }
              std::memcpy(static_cast<void*>(dst), cache + static_cast<int64_t>(idx[j]) * head_dim,
                          static_cast<std::size_t>(head_dim) * sizeof(bf16));
            }
          },
          [](const V& v) {
            // The WIN rows gathered (read) and written, not the whole cache; the window on chip.
            const auto window_bytes = v.kv_window.bytes();
            return CostHint{0, static_cast<double>(2 * window_bytes + v.swa_indices.bytes() + v.swa_lens.bytes()), window_bytes, false};
          }};
}

TypedKernel<AttentionParams> swa_attention_kernel(int64_t attn_k_tile, int64_t rope, float softmax_scale) {
  using V = AttentionParams<BlockView>;
  const int64_t KT = attn_k_tile;
  return {"swa_attention", TaskKind::Mix,
          {{"q", {BF16}}, {"kv_window", {BF16}}, {"swa_indices", {INT32}}, {"swa_lens", {INT32}}, {"attn_sink", {FP32}},
           {"freqs_cos", {BF16}}, {"freqs_sin", {BF16}}, {"o", {BF16}}},
          [KT, rope, softmax_scale](const V& v, const TaskContext&) {
            const int64_t ht = v.q.size(1), HD = v.q.size(2), W = v.kv_window.size(0), NOPE = HD - rope;
            const View q = v.q.view().reshape({ht, HD}), o_out = v.o.view().reshape({ht, HD});
            const std::int32_t* idx = v.swa_indices.row<std::int32_t>(0);
            const std::int32_t len = v.swa_lens.at<std::int32_t>({0});
            Scratch m("m", FP32, {ht}), l("l", FP32, {ht}), o("o_acc", FP32, {ht, HD});
            Scratch m_i("m_i", FP32, {ht}), l_i("l_i", FP32, {ht}), o_i("o_i", FP32, {ht, HD});
            Scratch scores("scores", FP32, {ht, KT}), p("p", BF16, {ht, KT});
            for (int64_t r = 0; r < ht; ++r) m.view().at<float>({r}) = -std::numeric_limits<float>::infinity();
            for (int64_t j0 = 0; j0 < W; j0 += KT) {
              const View kv = v.kv_window.view().rows(j0, KT);
              matmul(q, kv, scores.view(), {.b_layout = kernels::BLayout::transposed});
              kernels::scale(scores.view(), View{}, View{}, scores.view(), {.multiplier = softmax_scale});
              for (int64_t j = 0; j < KT; ++j)
                if (!slot_valid(idx, len, j0 + j))
                  for (int64_t r = 0; r < ht; ++r) scores.view().at<float>({r, j}) = kMaskedScore;
              kernels::row_max(scores.view(), m_i.view());
              kernels::exp_rows(scores.view(), m_i.view(), p.view(), l_i.view(), {.masked_at_or_below = kMaskedScore});
              matmul(p.view(), kv, o_i.view());
              kernels::online_softmax_merge(m.view(), l.view(), o.view(), m_i.view(), l_i.view(), o_i.view());
            }
            // Denominator l + exp(sink[h] − m); a row with no valid slot has o = 0 and stays 0.
            Scratch denom("denominator", FP32, {ht});
            for (int64_t r = 0; r < ht; ++r) {
              const float mr = m.view().at<float>({r});
              const float sink = v.attn_sink.at<float>({r});
              denom.view().at<float>({r}) = mr <= kMaskedScore ? 0.0f : l.view().at<float>({r}) + kernels::exp_fp32(sink - mr);
            }
            kernels::divide_rows(o.view(), denom.view(), o.view());
            kernels::cast(o.view().cols(0, NOPE), o_out.cols(0, NOPE));
            kernels::rope(o.view().cols(NOPE, rope), v.freqs_cos.view(), v.freqs_sin.view(), o_out.cols(NOPE, rope),
                          {kernels::RopeLayout::interleaved, kernels::RopeDirection::inverse});
          },
          [KT](const V& v) {
            // QKᵀ and PV (2 · 2 · heads · WIN · HEAD_DIM), scale, mask, exp and merge per score.
            const double ht = static_cast<double>(v.q.size(1)), HD = static_cast<double>(v.q.size(2));
            const double W = static_cast<double>(v.kv_window.size(0)), kt = static_cast<double>(KT);
            CostHint hint = streaming_cost_of(v, 4.0 * ht * W * HD + 8.0 * ht * W);
            // One K tile of the window, the fp32 o accumulators (merged and per tile), the scores.
            hint.working_set_bytes = static_cast<std::uint64_t>(2 * kt * HD + 4 * ht * HD * 2 + 6 * ht * kt);
            return hint;
          }};
}

namespace {

View wo_a_rows(const View& wo_a) { return wo_a.reshape({wo_a.size(1), wo_a.size(2)}); }

// o_proj_a's kernel with `project(o, wo_a rows, o_r)` as its matmul.
template <class Project>
TypedKernel<GroupProjParams> o_proj_a_with(Project project) {
  using V = GroupProjParams<BlockView>;
  return {"o_proj_a", TaskKind::Cube, {{"o", {BF16}}, {"wo_a", {BF16}}, {"o_r", {FP32}}},
          [project](const V& v, const TaskContext&) {
            project(matrix_of(v.o.view()), wo_a_rows(v.wo_a.view()), matrix_of(v.o_r.view()));
          },
          [](const V& v) {
            return kernels::descriptors::matmul_cost(matrix_of(v.o.view()), wo_a_rows(v.wo_a.view()), matrix_of(v.o_r.view()), false);
          }};
}

}  // namespace

TypedKernel<GroupProjParams> o_proj_a_kernel() {
  return o_proj_a_with([](const View& o, const View& bt, const View& o_r) {
    matmul(o, bt, o_r, {.b_layout = kernels::BLayout::transposed});
  });
}

TypedKernel<GroupProjParams> o_proj_a_packed_kernel(std::shared_ptr<const WeightPacks> packs) {
  return o_proj_a_with([packs = std::move(packs)](const View& o, const View& bt, const View& o_r) {
    matmul_lane_segments(o, *packs, packs->find(bt), bt, o_r);
  });
}

namespace {

// o_proj_b's kernel with `group_matmul(a, wo_b group tile, partial)` as its per-group int8 matmul.
template <class GroupMatmul>
TypedKernel<OutProjParams> o_proj_b_with(GroupMatmul group_matmul) {
  using V = OutProjParams<BlockView>;
  return {"o_proj_b", TaskKind::Mix,
          {{"o_r_i8", {INT8}}, {"o_r_scale_dq", {FP32}}, {"wo_b", {INT8}}, {"wo_b_scale", {FP32}}, {"attn_out", {BF16}}},
          [group_matmul](const V& v, const TaskContext&) {
            const int64_t T = v.o_r_i8.size(0), G = v.o_r_i8.size(1), OL = v.o_r_i8.size(2), dt = v.wo_b.size(0);
            const View a = v.o_r_i8.view().reshape({T, G * OL});
            Scratch partial("partial_g", INT32, {T, dt}), out("out", FP32, {T, dt});
            for (int64_t g = 0; g < G; ++g) {
              group_matmul(a.cols(g * OL, OL), v.wo_b.view().cols(g * OL, OL), partial.view());
              kernels::dequantize_int32(partial.view(), v.o_r_scale_dq.view().cols(g, 1), View{}, out.view(), g > 0);
            }
            kernels::scale(out.view(), View{}, v.wo_b_scale.view(), v.attn_out.view());
          },
          [](const V& v) {
            const int64_t T = v.o_r_i8.size(0), GOL = v.o_r_i8.size(1) * v.o_r_i8.size(2);
            const View a = v.o_r_i8.view().reshape({T, GOL});
            CostHint hint = kernels::descriptors::matmul_cost(a, v.wo_b.view(), v.attn_out.view(), false);
            // Dequant and sum per group, the final scale; the scales read once.
            hint.flops += 3.0 * elements(v.attn_out.view()) * static_cast<double>(v.o_r_i8.size(1)) + elements(v.attn_out.view());
            hint.bytes += static_cast<double>(v.o_r_scale_dq.bytes() + v.wo_b_scale.bytes());
            // The int32 partial and the fp32 sum beside the matmul's tiles.
            hint.working_set_bytes += 2 * static_cast<std::uint64_t>(elements(v.attn_out.view())) * 4;
            return hint;
          }};
}

}  // namespace

TypedKernel<OutProjParams> o_proj_b_kernel() {
  return o_proj_b_with([](const View& a, const View& bt, const View& partial) {
    matmul(a, bt, partial, {.b_layout = kernels::BLayout::transposed});
  });
}

TypedKernel<OutProjParams> o_proj_b_packed_kernel(std::shared_ptr<const WeightPacks> packs) {
  return o_proj_b_with([packs = std::move(packs)](const View& a, const View& bt, const View& partial) {
    kernels::matmul(a, packs->get(packs->find(bt), bt), partial);
  });
}

}  // namespace tg::models::deepseek_v4
