#include "models/deepseek_v4/qkv_proj_rope.hpp"

#include <cstring>
#include <string>

#include "kernels/kernels.hpp"
#include "models/deepseek_v4/block_grid.hpp"
#include "runtime/error.hpp"

namespace tg::models::v4 {

QkvBug parse_qkv_bug(std::string_view name) {
  if (name.empty() || name == "none") return QkvBug::none;
  if (name == "rsqrt-q-head") return QkvBug::rsqrt_q_head;
  if (name == "half-split-rope") return QkvBug::half_split_rope;
  if (name == "bf16-before-quant") return QkvBug::bf16_before_quant;
  throw ConfigError("v4-qkv-proj-rope: unknown planted bug '" + std::string(name) +
                    "'; use rsqrt-q-head, half-split-rope or bf16-before-quant");
}

namespace {

using kernels::matmul;

struct Tensors {
  View x, wq_a, wq_b, wq_b_scale, wkv, rope_cos, rope_sin, gamma_cq, gamma_ckv;  // scope inputs
  View q, kv, qr, qr_scale;                                                     // outputs
  View qr_partial, kv_partial, q_acc, q_full, q_pe_normed;                       // staging
};

Tensors declare(Scope& s, const Config& cfg) {
  const auto T = cfg.tokens(), D = cfg.dims.hidden, QL = cfg.dims.q_lora, HD = cfg.dims.head_dim;
  const auto H = cfg.dims.heads, R = cfg.dims.rope, N = cfg.dims.q_width(), KS = cfg.tiles.k_split;
  Tensors t;
  t.x = s.input("x", {T, D}, BF16);
  t.rope_cos = s.input("rope_cos", {T, R}, BF16);
  t.rope_sin = s.input("rope_sin", {T, R}, BF16);
  t.wq_a = s.weight("wq_a", {D, QL}, BF16);
  t.wq_b = s.weight("wq_b", {QL, N}, INT8);
  t.wq_b_scale = s.weight("wq_b_scale", {N}, FP32);
  t.wkv = s.weight("wkv", {D, HD}, BF16);
  t.gamma_cq = s.weight("gamma_cq", {QL}, BF16);
  t.gamma_ckv = s.weight("gamma_ckv", {HD}, BF16);
  t.q = s.output("q", {T, H, HD}, BF16);
  t.kv = s.output("kv", {T, HD}, BF16);
  t.qr = s.output("qr", {T, QL}, INT8);
  t.qr_scale = s.output("qr_scale", {T, 1}, FP32);
  // Split-K partials, split k in rows [k*T, (k+1)*T); summed in split order by the consumer.
  t.qr_partial = s.staging("qr_partial", {KS * T, QL}, FP32);
  t.kv_partial = s.staging("kv_partial", {KS * T, HD}, FP32);
  t.q_acc = s.staging("q_acc", {T, N}, INT32);
  t.q_full = s.staging("q_full", {T, N}, FP32);
  t.q_pe_normed = s.staging("q_pe_normed", {T, H * R}, FP32);
  return t;
}

// Sums the split-K partials of token rows `rows` in split order into `sum` [rows, cols].
void sum_partials(const View& partial, std::int64_t tokens, std::int64_t splits, TileRange rows, const View& sum) {
  for (std::int64_t k = 0; k < splits; ++k) {
    const View part = partial.rows(k * tokens + rows.start, rows.count);
    if (k == 0)
      kernels::cast(part, sum);
    else
      kernels::scale(part, View{}, View{}, sum, {.accumulate = true});
  }
}

// Split-K projection out = a @ w, split s covering rows [s*K/KS, (s+1)*K/KS) of w, its K
// loop in Q_PROJ_TILE chunks; SPMD over 16-row token boxes x n_tile output columns.
void split_k_projection(Scope& s, const Config& cfg, const std::string& name, const View& a, const View& w,
                        const View& partial, std::int64_t n_tile) {
  const auto T = cfg.tokens(), K = a.size(1), N = w.size(1), KS = cfg.tiles.k_split;
  const auto k_len = K / KS, k_chunk = cfg.tiles.q_proj_k, m_box = cfg.tiles.cube_m;
  const auto m_tiles = ceil_div(T, m_box), n_tiles = N / n_tile;
  for (std::int64_t split = 0; split < KS; ++split) {
    const auto k0 = split * k_len;
    s.cube(name, {In(a.cols(k0, k_len)), In(w.rows(k0, k_len)), Out(partial.rows(split * T, T))},
           [=](const TaskContext& c) {
             const auto [mt, nt] = block_coord(c.block_idx(), n_tiles);
             const auto rows = tile_range(mt, m_box, T);
             const View out = c.view(2).slice({rows.start, nt * n_tile}, {rows.count, n_tile});
             for (std::int64_t kc = 0; kc < k_len; kc += k_chunk)
               matmul(c.view(0).slice({rows.start, kc}, {rows.count, k_chunk}),
                      c.view(1).slice({kc, nt * n_tile}, {k_chunk, n_tile}), out, {.accumulate = kc > 0});
           })
        .blocks(static_cast<int>(m_tiles * n_tiles))
        .cost({2.0 * m_box * k_len * n_tile, 2.0 * (m_box * k_len + k_len * n_tile) + 4.0 * m_box * n_tile,
               static_cast<std::uint64_t>(2 * (m_box + n_tile) * k_chunk * 2 + 4 * m_box * n_tile), false});
  }
}

// Stage 1: qr_lin = x @ wq_a (split-K partials).
void qr_proj(Scope& s, const Config& cfg, const Tensors& t) {
  split_k_projection(s, cfg, "qr_proj", t.x, t.wq_a, t.qr_partial, cfg.tiles.q_lora_tile);
}

// KV path projection: kv_lin = x @ wkv (split-K partials).
void kv_proj(Scope& s, const Config& cfg, const Tensors& t) {
  split_k_projection(s, cfg, "kv_proj", t.x, t.wkv, t.kv_partial, cfg.tiles.kv_tile);
}

// Stages 2-3 fused, per T_TILE rows, two passes over the summed row: inv_rms and the amax
// first, then re-normalize and quantize straight from fp32 (no bf16 GM intermediate).
void qr_rms_norm_quant(Scope& s, const Config& cfg, const Tensors& t, QkvBug bug) {
  const auto T = cfg.tokens(), QL = cfg.dims.q_lora, KS = cfg.tiles.k_split, tt = cfg.tiles.t_tile;
  const float eps = cfg.dims.eps;
  const bool bf16_hop = bug == QkvBug::bf16_before_quant;
  s.vector("qr_rms_norm_quant", {In(t.qr_partial), In(t.gamma_cq), Out(t.qr), Out(t.qr_scale)},
           [=](const TaskContext& c) {
             const auto rows = tile_range(c.block_idx(), tt, T);
             Scratch sum("qr_lin", FP32, {rows.count, QL}), inv("inv_rms", FP32, {rows.count});
             sum_partials(c.view(0), T, KS, rows, sum.view());
             kernels::rms_inv(sum.view(), inv.view(), {.eps = eps});
             // Planted bug: the extra bf16 hop of seed 003's first version.
             Scratch normed("qr_n", bf16_hop ? BF16 : FP32, {rows.count, QL});
             kernels::scale(sum.view(), inv.view(), c.view(1), normed.view());
             kernels::quantize_int8_rows(normed.view(), c.view(2).rows(rows.start, rows.count),
                                         c.view(3).rows(rows.start, rows.count));
           })
      .blocks(static_cast<int>(ceil_div(T, tt)))
      .cost({6.0 * tt * QL + 1.0 * KS * tt * QL, 4.0 * KS * tt * QL + 2.0 * QL + 1.0 * tt * QL + 4.0 * tt,
             static_cast<std::uint64_t>(tt * QL * 4 * 2), false});
}

// Stages 4-5, one K step: q_i32 (+)= qr[:, k tile] @ b_tile, where b_tile is that K tile of
// wq_b. The last step dequantizes (q_full = fp32(q_i32) · qr_scale[t] · wq_b_scale[c]) in the
// same MIX task. SPMD over token tiles x QPROJ N tiles.
void qproj_step(Scope& s, const Config& cfg, const Tensors& t, std::int64_t iter, const View& b_tile) {
  const auto T = cfg.tokens(), QL = cfg.dims.q_lora, N = cfg.dims.q_width();
  const auto k_tile = cfg.tiles.q_proj_k, n_tile = cfg.tiles.qproj_n, tt = cfg.tiles.t_tile;
  const auto steps = QL / k_tile, n_tiles = N / n_tile, t_tiles = ceil_div(T, tt);
  const bool first = iter == 0, last = iter == steps - 1;
  std::vector<Arg> args{In(t.qr.cols(iter * k_tile, k_tile)), In(b_tile)};
  if (!first) args.push_back(last ? In(t.q_acc) : InOut(t.q_acc));
  if (last) {
    args.push_back(In(t.qr_scale));
    args.push_back(In(t.wq_b_scale));
    args.push_back(Out(t.q_full));
  } else if (first) {
    args.push_back(Out(t.q_acc));
  }
  auto kernel = [=](const TaskContext& c) {
    // Plain variables, not a structured binding: clang 14 (the fuzz build) cannot capture one.
    const BlockCoord at = block_coord(c.block_idx(), n_tiles);
    const std::int64_t tt_idx = at.row_tile, nt = at.col_tile;
    const auto rows = tile_range(tt_idx, tt, T);
    const View a = c.view(0).rows(rows.start, rows.count), b = c.view(1).cols(nt * n_tile, n_tile);
    auto tile_of = [&](const View& v) { return v.slice({rows.start, nt * n_tile}, {rows.count, n_tile}); };
    if (!last) {
      matmul(a, b, tile_of(c.view(2)), {.accumulate = !first});
      return;
    }
    const std::size_t arg0 = first ? 2 : 3;  // qr_scale, wq_b_scale, q_full
    Scratch acc("q_i32", INT32, {rows.count, n_tile});
    if (!first) kernels::cast(tile_of(c.view(2)), acc.view());
    matmul(a, b, acc.view(), {.accumulate = !first});
    kernels::dequantize_int32(acc.view(), c.view(arg0).rows(rows.start, rows.count),
                              c.view(arg0 + 1).cols(nt * n_tile, n_tile), tile_of(c.view(arg0 + 2)));
  };
  const CostHint cost{2.0 * cfg.tiles.cube_m * k_tile * n_tile,
                      1.0 * tt * k_tile + 1.0 * k_tile * n_tile + 4.0 * tt * n_tile * (first ? 1 : 2) + (last ? 4.0 * n_tile : 0),
                      static_cast<std::uint64_t>(k_tile * n_tile + tt * k_tile + 4 * tt * n_tile * (last ? 2 : 1)), true};
  auto task = last ? s.mix("qproj_matmul_dequant", std::move(args), kernel) : s.cube("qproj_matmul", std::move(args), kernel);
  task.blocks(static_cast<int>(t_tiles * n_tiles)).cost(cost);
}

// Stages 4-5: the K loop over Q_PROJ_TILE steps. Pipelined (tiles.qproj_pipeline): step i+1
// loads its wq_b tile into the other half of a ping-pong pair while step i multiplies, and
// the WAR edge on each half bounds the overlap. The halves are GM staging here (the device
// keeps them in L1), so each tile costs a load's read + write and the matmul's read.
// Direct: every step reads its K tile of wq_b in place.
void qproj(Scope& s, const Config& cfg, const Tensors& t) {
  const auto k_tile = cfg.tiles.q_proj_k, n_tile = cfg.tiles.qproj_n, steps = cfg.dims.q_lora / k_tile;
  const auto n_tiles = cfg.dims.q_width() / n_tile;
  if (!cfg.tiles.qproj_pipeline) {
    for (std::int64_t i = 0; i < steps; ++i) qproj_step(s, cfg, t, i, t.wq_b.rows(i * k_tile, k_tile));
    return;
  }
  auto ring = s.staging_ring("wq_b_tile", 2, {k_tile, cfg.dims.q_width()}, INT8);
  s.pipeline(steps, 2, [&](const PipelineStep& step) {
    s.vector("qproj_load_wq_b", {In(t.wq_b.rows(step.iter * k_tile, k_tile)), Out(ring[step])},
             [=](const TaskContext& c) {
               // A plain copy of one [Q_PROJ_TILE, n_tile] tile, row by row (stands for the MTE load).
               const View src = c.view(0).cols(c.block_idx() * n_tile, n_tile), dst = c.view(1).cols(c.block_idx() * n_tile, n_tile);
               for (std::int64_t r = 0; r < k_tile; ++r)
                 std::memcpy(dst.row<std::int8_t>(r), src.row<std::int8_t>(r), static_cast<std::size_t>(n_tile));
             })
        .blocks(static_cast<int>(n_tiles))
        .cost({0, 2.0 * k_tile * n_tile, static_cast<std::uint64_t>(k_tile * n_tile), false});
    qproj_step(s, cfg, t, step.iter, ring[step]);
  });
}

// Stage 6: per-head RMSNorm without gamma on fp32 q_full; NOPE dims written to q as bf16,
// ROPE dims kept in fp32 for q_rope (normalize before rotating: inv_rms commutes with the
// rotation, gamma would not).
void q_head_norm(Scope& s, const Config& cfg, const Tensors& t, QkvBug bug) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, R = cfg.dims.rope, NOPE = cfg.dims.nope();
  const auto tt = cfg.tiles.t_tile, ht = cfg.tiles.q_rope_heads, h_tiles = H / ht;
  const kernels::RmsNormOptions norm{.eps = cfg.dims.eps,
                                     .inv_sqrt = bug == QkvBug::rsqrt_q_head ? kernels::InvSqrtMode::rsqrt_approx
                                                                             : kernels::InvSqrtMode::recip_sqrt};
  s.vector("q_head_norm", {In(t.q_full), Out(t.q.slice({0, 0, 0}, {T, H, NOPE})), Out(t.q_pe_normed)},
           [=](const TaskContext& c) {
             const auto [t_idx, h_idx] = block_coord(c.block_idx(), h_tiles);
             const auto rows = tile_range(t_idx, tt, T);
             const View q = as_matrix(c.view(1), T, H * HD);
             Scratch normed("q_head", FP32, {rows.count, HD});
             for (std::int64_t h = h_idx * ht; h < (h_idx + 1) * ht; ++h) {
               kernels::rmsnorm(c.view(0).slice({rows.start, h * HD}, {rows.count, HD}), View{}, normed.view(), norm);
               kernels::cast(normed.view().cols(0, NOPE), q.slice({rows.start, h * HD}, {rows.count, NOPE}));
               kernels::cast(normed.view().cols(NOPE, R), c.view(2).slice({rows.start, h * R}, {rows.count, R}));
             }
           })
      .blocks(static_cast<int>(ceil_div(T, tt) * h_tiles))
      .cost({4.0 * tt * ht * HD, 4.0 * tt * ht * HD + 2.0 * tt * ht * NOPE + 4.0 * tt * ht * R,
             static_cast<std::uint64_t>(4 * tt * ht * HD * 2), false});
}

kernels::RopeOptions rope_options(QkvBug bug) {
  return {bug == QkvBug::half_split_rope ? kernels::RopeLayout::half_split : kernels::RopeLayout::interleaved,
          kernels::RopeDirection::forward};
}

// Stages 7-8: interleaved partial RoPE on the normalized ROPE dims, written to q as bf16.
void q_rope(Scope& s, const Config& cfg, const Tensors& t, QkvBug bug) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, R = cfg.dims.rope, NOPE = cfg.dims.nope();
  const auto tt = cfg.tiles.t_tile, ht = cfg.tiles.q_rope_heads, h_tiles = H / ht;
  const auto options = rope_options(bug);
  s.vector("q_rope", {In(t.q_pe_normed), In(t.rope_cos), In(t.rope_sin), Out(t.q.slice({0, 0, NOPE}, {T, H, R}))},
           [=](const TaskContext& c) {
             const auto [t_idx, h_idx] = block_coord(c.block_idx(), h_tiles);
             const auto rows = tile_range(t_idx, tt, T);
             const View q = as_matrix(c.view(3), T, H * HD);
             const View cos = c.view(1).rows(rows.start, rows.count), sin = c.view(2).rows(rows.start, rows.count);
             for (std::int64_t h = h_idx * ht; h < (h_idx + 1) * ht; ++h)
               kernels::rope(c.view(0).slice({rows.start, h * R}, {rows.count, R}), cos, sin,
                             q.slice({rows.start, h * HD + NOPE}, {rows.count, R}), options);
           })
      .blocks(static_cast<int>(ceil_div(T, tt) * h_tiles))
      .cost({6.0 * tt * ht * R / 2, 4.0 * tt * ht * R + 2.0 * tt * ht * R + 4.0 * tt * R,
             static_cast<std::uint64_t>(tt * ht * R * 6 + 4 * tt * R), false});
}

// KV path: kv_n = RMSNorm(sum of partials, gamma_ckv); interleaved RoPE on the last ROPE dims.
void kv_rms_norm_rope(Scope& s, const Config& cfg, const Tensors& t, QkvBug bug) {
  const auto T = cfg.tokens(), HD = cfg.dims.head_dim, R = cfg.dims.rope, NOPE = cfg.dims.nope();
  const auto KS = cfg.tiles.k_split, tt = cfg.tiles.t_tile;
  const float eps = cfg.dims.eps;
  const auto options = rope_options(bug);
  s.vector("kv_rms_norm_rope", {In(t.kv_partial), In(t.gamma_ckv), In(t.rope_cos), In(t.rope_sin), Out(t.kv)},
           [=](const TaskContext& c) {
             const auto rows = tile_range(c.block_idx(), tt, T);
             Scratch normed("kv_n", FP32, {rows.count, HD});
             sum_partials(c.view(0), T, KS, rows, normed.view());
             kernels::rmsnorm(normed.view(), c.view(1), normed.view(), {.eps = eps});
             const View kv = c.view(4).rows(rows.start, rows.count);
             kernels::cast(normed.view().cols(0, NOPE), kv.cols(0, NOPE));
             kernels::rope(normed.view().cols(NOPE, R), c.view(2).rows(rows.start, rows.count),
                           c.view(3).rows(rows.start, rows.count), kv.cols(NOPE, R), options);
           })
      .blocks(static_cast<int>(ceil_div(T, tt)))
      .cost({1.0 * KS * tt * HD + 6.0 * tt * HD, 4.0 * KS * tt * HD + 2.0 * HD + 2.0 * tt * HD + 4.0 * tt * R,
             static_cast<std::uint64_t>(4 * tt * HD * 2), false});
}

}  // namespace

void build_qkv_proj_rope(Scope& s, const Config& cfg, QkvBug bug) {
  cfg.validate();
  const Tensors t = declare(s, cfg);
  qr_proj(s, cfg, t);
  qr_rms_norm_quant(s, cfg, t, bug);
  qproj(s, cfg, t);
  q_head_norm(s, cfg, t, bug);
  q_rope(s, cfg, t, bug);
  kv_proj(s, cfg, t);
  kv_rms_norm_rope(s, cfg, t, bug);
}

}  // namespace tg::models::v4
