// DeepSeek V3.2 decode scope 1, one function per stage of
// docs/models/v32_decode_scope1.md, named as the spec names it. Kernels are thin
// calls into kernels/; the only loops here are the planted variance bug.
#include "models/deepseek_v3_2/scope1.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "kernels/cast.hpp"
#include "kernels/matmul.hpp"
#include "kernels/packed_weights.hpp"
#include "kernels/rmsnorm.hpp"
#include "kernels/rope.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v3_2 {
namespace {

using std::int64_t;

// Cube work comes in 16-row boxes: decode's B rows are padded to a multiple of 16.
int64_t cube_rows(int64_t rows) { return (rows + 15) / 16 * 16; }

// Tile i's views, cut from the stage's whole views.
using TileSlicer = std::function<std::vector<View>(const std::vector<View>& whole, int64_t tile)>;
using TileKernel = std::function<void(const std::vector<View>& tile_views, int64_t tile)>;

struct Emitter {
  Scope& scope;
  const Scope1Config& c;
  const Scope1Tensors& t;
  Scope1Staging& st;
  const Scope1Faults& faults;
  std::shared_ptr<WeightPacks> packs;  // host tiling: the cube tasks' packed weight tiles

  // Submits `tiles` independent tiles of one stage: one SPMD task whose block i runs tile i
  // on the whole views (`spmd`), or one task per tile over that tile's views only.
  void tiled(TaskKind kind, const std::string& name, int64_t tiles, bool spmd, std::vector<Arg> whole,
             TileSlicer slice, TileKernel kernel, const CostHint& per_tile) const {
    if (spmd) {
      scope
          .submit(kind, name, std::move(whole),
                  [slice, kernel](const TaskContext& ctx) {
                    std::vector<View> views;
                    for (std::size_t i = 0; i < ctx.num_args(); ++i) views.push_back(ctx.view(i));
                    kernel(slice(views, ctx.block_idx()), ctx.block_idx());
                  })
          .blocks(static_cast<int>(tiles))
          .cost(per_tile);
      return;
    }
    std::vector<View> whole_views;
    for (const auto& a : whole) whole_views.push_back(a.view);
    for (int64_t i = 0; i < tiles; ++i) {
      const auto views = slice(whole_views, i);
      std::vector<Arg> args;
      for (std::size_t k = 0; k < whole.size(); ++k) args.push_back(Arg{views[k], whole[k].access, whole[k].infer});
      scope
          .submit(kind, name, std::move(args),
                  [kernel, i](const TaskContext& ctx) {
                    std::vector<View> tile_views;
                    for (std::size_t k = 0; k < ctx.num_args(); ++k) tile_views.push_back(ctx.view(k));
                    kernel(tile_views, i);
                  })
          .cost(per_tile);
    }
  }

  // out[:, tile] = a @ w[:, tile], fp32, accumulated over K chunks of `k_chunk` in order
  // (the host tiling: one call over the whole K, on the packed tile when `packs` is given).
  // Cost per tile: 2 * rows16 * K * tile flops; A and W's column tile read once.
  void projection(const std::string& name, const View& a, const View& w, const View& out, int64_t tile,
                  int64_t k_chunk) const {
    const int64_t rows = a.size(0), k = a.size(1), cols = out.size(1);
    if (c.host_tiling()) k_chunk = k;
    const CostHint cost{2.0 * static_cast<double>(cube_rows(rows) * k * tile),
                        static_cast<double>(rows * k * 2 + k * tile * 2 + rows * tile * 4),
                        // L1: A and W chunks double-buffered; L0C: the fp32 output tile.
                        static_cast<std::uint64_t>(2 * (cube_rows(rows) * k_chunk + k_chunk * tile) * 2 + cube_rows(rows) * tile * 4),
                        false};
    tiled(TaskKind::Cube, name, cols / tile, c.spmd_projections, {In(a), In(w), Out(out)},
          [tile](const std::vector<View>& v, int64_t i) {
            return std::vector<View>{v[0], v[1].cols(i * tile, tile), v[2].cols(i * tile, tile)};
          },
          kernel_of(w, tile, cols / tile, k_chunk), cost);
  }

  // Tile i's matmul: on its packed weight tile (slot first + i, registered here, packed by the
  // model run once its weights are bound), else over the view in K chunks.
  TileKernel kernel_of(const View& w, int64_t tile, int64_t tiles, int64_t k_chunk) const {
    if (c.host_tiling() && packs) {
      const std::size_t first = packs->size();
      for (int64_t i = 0; i < tiles; ++i) packs->add(w.buffer().name(), i * tile, tile);
      return [slots = packs, first](const std::vector<View>& v, int64_t i) {
        kernels::matmul(v[0], slots->get(first + static_cast<std::size_t>(i), v[1]), v[2]);
      };
    }
    return [k_chunk](const std::vector<View>& v, int64_t) {
      for (int64_t k0 = 0; k0 < v[0].size(1); k0 += k_chunk)
        kernels::matmul(v[0].cols(k0, k_chunk), v[1].rows(k0, k_chunk), v[2], {.accumulate = k0 > 0});
    };
  }

  // dst[:, tile] = bf16(src[:, tile]): the vector half of a projection (L0C -> GM write).
  void write_bf16(const std::string& name, const View& src, const View& dst, int64_t tile) const {
    const int64_t rows = src.size(0);
    const CostHint cost{static_cast<double>(rows * tile), static_cast<double>(rows * tile * (4 + 2)),
                        static_cast<std::uint64_t>(rows * tile * (4 + 2)), false};
    tiled(TaskKind::Vector, name, src.size(1) / tile, c.spmd_projections, {In(src), Out(dst)},
          [tile](const std::vector<View>& v, int64_t i) {
            return std::vector<View>{v[0].cols(i * tile, tile), v[1].cols(i * tile, tile)};
          },
          [](const std::vector<View>& v, int64_t) { kernels::cast(v[0], v[1]); }, cost);
  }

  // One SPMD vector task, block b = batch row b; `row_views` cuts block b's views.
  void per_batch_row(const std::string& name, std::vector<Arg> whole, TileSlicer row_views, TileKernel kernel,
                     const CostHint& per_row) const {
    tiled(TaskKind::Vector, name, c.batch, true, std::move(whole), std::move(row_views), std::move(kernel), per_row);
  }
};

// pos = seq_lens[b] - 1, checked: a bad position would write outside the cache.
int64_t position_of(const View& seq_lens, int64_t b, int64_t max_seq) {
  const auto len = seq_lens.at<std::int32_t>({b});
  if (len < 1 || len > max_seq)
    throw ConfigError("seq_lens[" + std::to_string(b) + "] = " + std::to_string(len) + " is outside [1, MAX_SEQ = " +
                      std::to_string(max_seq) + "]");
  return len - 1;
}

// Planted bug: y = bf16(x * variance * gamma), variance = mean(x^2) (no 1/sqrt, no eps).
void rmsnorm_times_variance(const View& x, const View& gamma, const View& y) {
  const int64_t cols = x.size(1);
  const bf16* xr = x.row<bf16>(0);
  float ss = 0;
  for (int64_t k = 0; k < cols; ++k) ss += xr[k].to_float() * xr[k].to_float();
  const float variance = ss / static_cast<float>(cols);
  for (int64_t k = 0; k < cols; ++k) y.row<bf16>(0)[k] = bf16(xr[k].to_float() * variance * gamma.row<float>(0)[k]);
}

// ---- the stages, in the spec's order ----

void input_rmsnorm(const Emitter& e) {
  const auto& c = e.c;
  const kernels::RmsNormOptions options{.eps = c.eps, .chunk_cols = c.rmsnorm_k};
  const bool bug = e.faults.rmsnorm_variance;
  e.per_batch_row(
      "input_rmsnorm", {In(e.t.hidden_states), In(e.t.input_rms_weight), Out(e.st.normed_states)},
      [](const std::vector<View>& v, int64_t b) { return std::vector<View>{v[0].rows(b, 1), v[1], v[2].rows(b, 1)}; },
      [options, bug](const std::vector<View>& v, int64_t) {
        if (bug)
          rmsnorm_times_variance(v[0], v[1], v[2]);
        else
          kernels::rmsnorm(v[0], v[1], v[2], options);
      },
      {4.0 * static_cast<double>(c.hidden), static_cast<double>(c.hidden * (2 + 4 + 2)),
       static_cast<std::uint64_t>(c.hidden * 4 + c.rmsnorm_k * (2 + 4)), false});
}

void q_lora_proj(const Emitter& e) {
  e.projection("q_lora_proj", e.st.normed_states, e.t.wq_a, e.st.qr_fp32, e.c.q_lora_out_tile(), e.c.proj_k);
}

void q_lora_rmsnorm(const Emitter& e) {
  const auto& c = e.c;
  const kernels::RmsNormOptions options{.eps = c.eps, .round_operand_to_bf16 = true};
  e.per_batch_row(
      "q_lora_rmsnorm", {In(e.st.qr_fp32), In(e.t.q_norm_weight), Out(e.t.qr_out)},
      [](const std::vector<View>& v, int64_t b) { return std::vector<View>{v[0].rows(b, 1), v[1], v[2].rows(b, 1)}; },
      [options](const std::vector<View>& v, int64_t) { kernels::rmsnorm(v[0], v[1], v[2], options); },
      {4.0 * static_cast<double>(c.q_lora_rank), static_cast<double>(c.q_lora_rank * (4 + 4 + 2)),
       static_cast<std::uint64_t>(c.q_lora_rank * (4 + 4 + 2)), false});
}

void q_head_proj(const Emitter& e) {
  e.projection("q_head_proj", e.t.qr_out, e.t.wq_b, e.st.q_proj_fp32, e.c.q_head_out_tile(), e.c.lora_tile);
}

void q_head_proj_write(const Emitter& e) { e.write_bf16("q_head_proj_write", e.st.q_proj_fp32, e.st.q_proj, e.c.q_head_out_tile()); }

void kv_a_proj(const Emitter& e) {
  e.projection("kv_a_proj", e.st.normed_states, e.t.wkv_a, e.st.kv_a_fp32, e.c.kv_a_out_tile(), e.c.proj_k);
}

void kv_a_write(const Emitter& e) { e.write_bf16("kv_a_write", e.st.kv_a_fp32, e.st.kv_a_out, e.c.kv_a_out_tile()); }

// Per-batch-row bodies of stages 6, 8 and 9, shared by the separate and the fused emission.
struct RowDims {
  int64_t heads, q, n, r, max_seq;
};

RowDims row_dims(const Scope1Config& c) {
  return {c.num_heads, c.qk_head_dim(), c.qk_nope_head_dim, c.qk_rope_head_dim, c.max_seq};
}

// q_roped[b] = q_proj[b] with each head's rope columns rotated at pos, nope columns copied.
void q_rope_row(const RowDims& d, const View& q_proj, const View& seq_len, const View& cos, const View& sin,
                const View& q_roped) {
  const int64_t pos = position_of(seq_len, 0, d.max_seq);
  const View src = q_proj.reshape({d.heads, d.q}), dst = q_roped.reshape({d.heads, d.q});
  kernels::cast(src.cols(0, d.n), dst.cols(0, d.n));
  kernels::rope(src.cols(d.n, d.r), cos.rows(pos, 1), sin.rows(pos, 1), dst.cols(d.n, d.r), {});
}

// Row pos of batch b's cache segments: kv_normed[b], and the rotated pe part of kv_a_out[b].
void cache_write_row(const RowDims& d, const View& kv_normed, const View& kv_pe, const View& seq_len, const View& cos,
                     const View& sin, const View& kv_cache_segment, const View& pe_cache_segment) {
  const int64_t pos = position_of(seq_len, 0, d.max_seq);
  kernels::cast(kv_normed, kv_cache_segment.rows(pos, 1));
  kernels::rope(kv_pe, cos.rows(pos, 1), sin.rows(pos, 1), pe_cache_segment.rows(pos, 1), {});
}

void q_split_row(const RowDims& d, const View& q_roped, const View& q_nope_out, const View& q_pe_out) {
  const View src = q_roped.reshape({d.heads, d.q});
  kernels::cast(src.cols(0, d.n), q_nope_out.reshape({d.heads, d.n}));
  kernels::cast(src.cols(d.n, d.r), q_pe_out.reshape({d.heads, d.r}));
}

CostHint q_rope_cost(const RowDims& d) {
  return {6.0 * static_cast<double>(d.heads * d.r), static_cast<double>(d.heads * d.q * 2 * 2 + d.r * 4 * 2),
          static_cast<std::uint64_t>(d.heads * d.q * (2 + 2) + d.r * 8), false};
}
CostHint cache_write_cost(const RowDims& d, int64_t kv_lora) {
  return {6.0 * static_cast<double>(d.r), static_cast<double>(kv_lora * 2 * 2 + d.r * 2 * 2 + d.r * 4 * 2),
          static_cast<std::uint64_t>(kv_lora * 2 + d.r * (2 + 2 + 8)), false};
}
CostHint q_split_cost(const RowDims& d) {
  return {0.0, static_cast<double>(d.heads * d.q * 2 * 2), static_cast<std::uint64_t>(d.heads * d.q * 2 * 2), false};
}

void q_rope(const Emitter& e) {
  const auto d = row_dims(e.c);
  e.per_batch_row(
      "q_rope", {In(e.st.q_proj), In(e.t.seq_lens), In(e.t.rope_cos), In(e.t.rope_sin), Out(e.st.q_roped)},
      [](const std::vector<View>& v, int64_t b) {
        return std::vector<View>{v[0].rows(b, 1), v[1].slice({b}, {1}), v[2], v[3], v[4].rows(b, 1)};
      },
      [d](const std::vector<View>& v, int64_t) { q_rope_row(d, v[0], v[1], v[2], v[3], v[4]); }, q_rope_cost(d));
}

void kv_rmsnorm(const Emitter& e) {
  const auto& c = e.c;
  const kernels::RmsNormOptions options{.eps = c.eps};
  const int64_t kv_lora = c.kv_lora_rank;
  e.per_batch_row(
      "kv_rmsnorm", {In(e.st.kv_a_out.cols(0, kv_lora)), In(e.t.kv_norm_weight), Out(e.st.kv_normed)},
      [](const std::vector<View>& v, int64_t b) { return std::vector<View>{v[0].rows(b, 1), v[1], v[2].rows(b, 1)}; },
      [options](const std::vector<View>& v, int64_t) { kernels::rmsnorm(v[0], v[1], v[2], options); },
      {4.0 * static_cast<double>(kv_lora), static_cast<double>(kv_lora * (2 + 4 + 2)),
       static_cast<std::uint64_t>(kv_lora * (2 + 4 + 2)), false});
}

void decode_cache_write(const Emitter& e) {
  const auto d = row_dims(e.c);
  const int64_t kv_lora = e.c.kv_lora_rank;
  // The written row depends on seq_lens, known only at run time: the caches are InOut as a
  // whole, and block b touches only its own segment [b*MAX_SEQ, (b+1)*MAX_SEQ).
  e.per_batch_row(
      "decode_cache_write",
      {In(e.st.kv_normed), In(e.st.kv_a_out.cols(kv_lora, d.r)), In(e.t.seq_lens), In(e.t.rope_cos), In(e.t.rope_sin),
       InOut(e.t.kv_cache), InOut(e.t.pe_cache)},
      [d](const std::vector<View>& v, int64_t b) {
        return std::vector<View>{v[0].rows(b, 1), v[1].rows(b, 1), v[2].slice({b}, {1}), v[3], v[4],
                                 v[5].rows(b * d.max_seq, d.max_seq), v[6].rows(b * d.max_seq, d.max_seq)};
      },
      [d](const std::vector<View>& v, int64_t) { cache_write_row(d, v[0], v[1], v[2], v[3], v[4], v[5], v[6]); },
      cache_write_cost(d, kv_lora));
}

void q_split(const Emitter& e) {
  const auto d = row_dims(e.c);
  e.per_batch_row(
      "q_split", {In(e.st.q_roped), Out(e.t.q_nope_out), Out(e.t.q_pe_out)},
      [](const std::vector<View>& v, int64_t b) { return std::vector<View>{v[0].rows(b, 1), v[1].rows(b, 1), v[2].rows(b, 1)}; },
      [d](const std::vector<View>& v, int64_t) { q_split_row(d, v[0], v[1], v[2]); }, q_split_cost(d));
}

// Stages 6, 8 and 9 as one task per b (the spec allows it: both per-b loops read seq_lens and
// the same cos / sin rows, and no edge orders q_rope against decode_cache_write). The rotated
// q goes straight into q_nope_out / q_pe_out: a q_roped tensor nothing reads would be the
// dead write of the spec's third seed bug.
void q_rope_cache_write_split(const Emitter& e) {
  const auto d = row_dims(e.c);
  const int64_t kv_lora = e.c.kv_lora_rank;
  CostHint cost = q_rope_cost(d);
  const auto cache = cache_write_cost(d, kv_lora);
  cost.flops += cache.flops;
  cost.bytes += cache.bytes;
  cost.working_set_bytes = std::max(cost.working_set_bytes, cache.working_set_bytes);
  e.per_batch_row(
      "q_rope_cache_write_split",
      {In(e.st.q_proj), In(e.t.seq_lens), In(e.t.rope_cos), In(e.t.rope_sin), Out(e.t.q_nope_out), Out(e.t.q_pe_out),
       In(e.st.kv_normed), In(e.st.kv_a_out.cols(kv_lora, d.r)), InOut(e.t.kv_cache), InOut(e.t.pe_cache)},
      [d](const std::vector<View>& v, int64_t b) {
        return std::vector<View>{v[0].rows(b, 1), v[1].slice({b}, {1}), v[2], v[3], v[4].rows(b, 1), v[5].rows(b, 1),
                                 v[6].rows(b, 1), v[7].rows(b, 1), v[8].rows(b * d.max_seq, d.max_seq),
                                 v[9].rows(b * d.max_seq, d.max_seq)};
      },
      [d](const std::vector<View>& v, int64_t) {
        const int64_t pos = position_of(v[1], 0, d.max_seq);
        const View q = v[0].reshape({d.heads, d.q});
        kernels::cast(q.cols(0, d.n), v[4].reshape({d.heads, d.n}));
        kernels::rope(q.cols(d.n, d.r), v[2].rows(pos, 1), v[3].rows(pos, 1), v[5].reshape({d.heads, d.r}), {});
        cache_write_row(d, v[6], v[7], v[1], v[2], v[3], v[8], v[9]);
      },
      cost);
}

void check_shape(const View& v, const char* name, const Shape& expected, DType dtype) {
  if (!v.valid()) throw ConfigError(std::string("deepseek v3.2 scope 1: tensor '") + name + "' was not given");
  if (v.sizes() != expected || v.dtype() != dtype)
    throw ConfigError(std::string("deepseek v3.2 scope 1: tensor '") + name + "' is " + std::string(tg::name_of(v.dtype())) + " " +
                      to_string(v.sizes()) + ", the config needs " + std::string(tg::name_of(dtype)) + " " + to_string(expected));
}

void check_tensors(const Scope1Config& c, const Scope1Tensors& t) {
  const int64_t b = c.batch, r = c.qk_rope_head_dim;
  check_shape(t.hidden_states, "hidden_states", {b, c.hidden}, BF16);
  check_shape(t.input_rms_weight, "input_rms_weight", {1, c.hidden}, FP32);
  check_shape(t.q_norm_weight, "q_norm_weight", {1, c.q_lora_rank}, FP32);
  check_shape(t.kv_norm_weight, "kv_norm_weight", {1, c.kv_lora_rank}, FP32);
  check_shape(t.wq_a, "wq_a", {c.hidden, c.q_lora_rank}, BF16);
  check_shape(t.wq_b, "wq_b", {c.q_lora_rank, c.q_proj_cols()}, BF16);
  check_shape(t.wkv_a, "wkv_a", {c.hidden, c.kv_a_out()}, BF16);
  check_shape(t.seq_lens, "seq_lens", {b}, INT32);
  check_shape(t.rope_cos, "rope_cos", {c.max_seq, r}, FP32);
  check_shape(t.rope_sin, "rope_sin", {c.max_seq, r}, FP32);
  check_shape(t.kv_cache, "kv_cache", {b * c.max_seq, c.kv_lora_rank}, BF16);
  check_shape(t.pe_cache, "pe_cache", {b * c.max_seq, r}, BF16);
  check_shape(t.q_nope_out, "q_nope_out", {b, c.num_heads * c.qk_nope_head_dim}, BF16);
  check_shape(t.q_pe_out, "q_pe_out", {b, c.num_heads * r}, BF16);
  check_shape(t.qr_out, "qr_out", {b, c.q_lora_rank}, BF16);
}

}  // namespace

Scope1Tensors Scope1Tensors::declare(Scope& s, const Scope1Config& c) {
  c.validate();
  const int64_t b = c.batch, r = c.qk_rope_head_dim;
  Scope1Tensors t;
  t.hidden_states = s.input("hidden_states", {b, c.hidden}, BF16);
  t.input_rms_weight = s.weight("input_rms_weight", {1, c.hidden}, FP32);
  t.q_norm_weight = s.weight("q_norm_weight", {1, c.q_lora_rank}, FP32);
  t.kv_norm_weight = s.weight("kv_norm_weight", {1, c.kv_lora_rank}, FP32);
  t.wq_a = s.weight("wq_a", {c.hidden, c.q_lora_rank}, BF16);
  t.wq_b = s.weight("wq_b", {c.q_lora_rank, c.q_proj_cols()}, BF16);
  t.wkv_a = s.weight("wkv_a", {c.hidden, c.kv_a_out()}, BF16);
  t.seq_lens = s.input("seq_lens", {b}, INT32);
  t.rope_cos = s.input("rope_cos", {c.max_seq, r}, FP32);
  t.rope_sin = s.input("rope_sin", {c.max_seq, r}, FP32);
  t.kv_cache = s.inout("kv_cache", {b * c.max_seq, c.kv_lora_rank}, BF16);
  t.pe_cache = s.inout("pe_cache", {b * c.max_seq, r}, BF16);
  t.q_nope_out = s.output("q_nope_out", {b, c.num_heads * c.qk_nope_head_dim}, BF16);
  t.q_pe_out = s.output("q_pe_out", {b, c.num_heads * r}, BF16);
  t.qr_out = s.output("qr_out", {b, c.q_lora_rank}, BF16);
  return t;
}

Scope1Staging build(Scope& s, const Scope1Config& c, const Scope1Tensors& t, const Scope1Faults& faults,
                    std::shared_ptr<WeightPacks> packs) {
  c.validate();
  check_tensors(c, t);
  const int64_t b = c.batch;
  Scope1Staging st;
  st.normed_states = s.staging("normed_states", {b, c.hidden}, BF16);
  st.qr_fp32 = s.staging("qr_fp32", {b, c.q_lora_rank}, FP32);
  st.q_proj_fp32 = s.staging("q_proj_fp32", {b, c.q_proj_cols()}, FP32);
  st.q_proj = s.staging("q_proj", {b, c.q_proj_cols()}, BF16);
  if (!c.fuse_per_batch_tail) st.q_roped = s.staging("q_roped", {b, c.q_proj_cols()}, BF16);
  st.kv_a_fp32 = s.staging("kv_a_fp32", {b, c.kv_a_out()}, FP32);
  st.kv_a_out = s.staging("kv_a_out", {b, c.kv_a_out()}, BF16);
  st.kv_normed = s.staging("kv_normed", {b, c.kv_lora_rank}, BF16);

  const Emitter e{s, c, t, st, faults, c.host_tiling() ? std::move(packs) : nullptr};
  input_rmsnorm(e);
  q_lora_proj(e);
  q_lora_rmsnorm(e);
  if (!faults.skip_q_proj) {
    q_head_proj(e);
    q_head_proj_write(e);
  }
  kv_a_proj(e);
  kv_a_write(e);
  if (c.fuse_per_batch_tail) {
    kv_rmsnorm(e);
    q_rope_cache_write_split(e);
  } else {
    q_rope(e);
    kv_rmsnorm(e);
    decode_cache_write(e);
    q_split(e);
  }
  return st;
}

}  // namespace tg::models::deepseek_v3_2
