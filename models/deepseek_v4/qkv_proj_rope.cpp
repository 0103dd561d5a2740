// DeepSeek V4 qkv_proj_rope, one function per stage of docs/models/v4_qkv_proj_rope.md.
// Each task names a kernel descriptor (the library's matmul, or qkv_kernels.hpp), binds its
// parameters by name and says how a block cuts each argument; block grids, short last
// token tiles and costs follow from those tiles.
#include "models/deepseek_v4/qkv_proj_rope.hpp"

#include <string>

#include "kernels/descriptors/descriptors.hpp"
#include "models/common/weight_packs.hpp"
#include "models/deepseek_v4/qkv_kernels.hpp"

namespace tg::models::deepseek_v4 {

QkvBug parse_qkv_bug(std::string_view name) { return parse_planted_bug<QkvBug>("v4-qkv-proj-rope", name, kQkvBugs); }

QkvTensors QkvTensors::declare(Scope& s, const Config& cfg) {
  cfg.validate();
  const auto T = cfg.tokens(), D = cfg.dims.hidden, QL = cfg.dims.q_lora, HD = cfg.dims.head_dim;
  const auto H = cfg.dims.heads, R = cfg.dims.rope, N = cfg.dims.q_width();
  QkvTensors t;
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
  return t;
}

namespace {

namespace kd = kernels::descriptors;
using tile::cols;
using tile::grid;
using tile::rows;

// What every stage reads.
struct Stages {
  Scope& scope;
  const Config& cfg;
  const QkvTensors& t;
  const QkvStaging& st;
  QkvBug bug;
  std::shared_ptr<WeightPacks> packs;  // host tiling: the projections' packed weight tiles (null: views)

  bool host() const { return cfg.host_tiling(); }
  // Token rows per vector block and per cube row box, at this tiling.
  std::int64_t token_tile() const { return host() ? HostTiles::fit(cfg.host.token_rows, cfg.tokens()) : cfg.tiles.t_tile; }
  std::int64_t cube_rows() const { return host() ? token_tile() : cfg.tiles.cube_m; }
  // The packed tile of a block's bound weight view (empty without packs).
  PackedOf packed_of() const {
    if (!packs) return {};
    return [packs = packs](const View& b) -> const kernels::PackedWeights& { return packs->get(b); };
  }
};

// Split-K partials [K_SPLIT·T, cols] as [K_SPLIT, T, cols]: a block takes its token rows of
// every split, which it sums in split order (a fixed order: reproducible).
View by_split(const Stages& s, const View& partial) {
  return partial.reshape({s.cfg.tiles.k_split, s.cfg.tokens(), partial.size(1)});
}

// Split-K projection partial = a @ w, split k covering rows [k·K/KS, (k+1)·K/KS) of w and
// writing rows [k·T, (k+1)·T) of the partials; SPMD over 16-row token boxes × n_tile
// columns. The spec's Q_PROJ_TILE K chunks continue one fp32 sum in order
// (kernels/matmul.hpp): one call over the split's K gives the same bits. With packs (host
// tiling), each block reads its split's packed column tile.
void split_k_projection(const Stages& s, const std::string& name, const View& a, const View& w, const View& partial,
                        std::int64_t n_tile) {
  const auto T = s.cfg.tokens(), KS = s.cfg.tiles.k_split, k_len = a.size(1) / KS, m_box = s.cube_rows();
  for (std::int64_t split = 0; split < KS; ++split) {
    const View w_split = w.rows(split * k_len, k_len);
    const kd::MatmulParams<ParamArg> args{.a = In(a.cols(split * k_len, k_len)).tiled(rows(m_box)),
                                          .b = In(w_split).tiled(cols(n_tile, 1)),
                                          .c = Out(partial.rows(split * T, T)).tiled(grid(m_box, n_tile))};
    if (!s.packs) {
      s.scope.cube(name, kd::matmul(), args);
      continue;
    }
    s.packs->add_column_tiles(w_split, n_tile);
    s.scope.cube(name, kd::matmul_packed(s.packed_of()), args);
  }
}

// Stage 1: qr_lin = x @ wq_a (split-K partials).
void qr_proj(const Stages& s) {
  const auto n_tile = s.host() ? HostTiles::fit(s.cfg.host.proj_n, s.cfg.dims.q_lora) : s.cfg.tiles.q_lora_tile;
  split_k_projection(s, "qr_proj", s.t.x, s.t.wq_a, s.st.qr_partial, n_tile);
}

// KV path projection: kv_lin = x @ wkv (split-K partials).
void kv_proj(const Stages& s) {
  const auto n_tile = s.host() ? HostTiles::fit(s.cfg.host.proj_n, s.cfg.dims.head_dim) : s.cfg.tiles.kv_tile;
  split_k_projection(s, "kv_proj", s.t.x, s.t.wkv, s.st.kv_partial, n_tile);
}

// Stages 2-3 fused, per T_TILE rows, two passes over the summed row: inv_rms and the amax
// first, then re-normalize and quantize straight from fp32 (no bf16 GM intermediate).
void qr_rms_norm_quant(const Stages& s) {
  const auto tt = s.token_tile();
  s.scope.vector("qr_rms_norm_quant", qr_rms_norm_quant_kernel(s.cfg.dims.eps, s.bug == QkvBug::bf16_before_quant),
                 {.qr_partial = In(by_split(s, s.st.qr_partial)).tiled(rows(tt)), .gamma_cq = In(s.t.gamma_cq),
                  .qr = Out(s.t.qr).tiled(rows(tt)), .qr_scale = Out(s.t.qr_scale).tiled(rows(tt))});
}

// Stages 4-5, one K step: q_i32 (+)= qr[:, k tile] @ b_tile, where b_tile is that K tile of
// wq_b. The last step dequantizes (q_full = fp32(q_i32) · qr_scale[t] · wq_b_scale[c]) in the
// same MIX task. SPMD over token tiles × QPROJ N tiles.
void qproj_step(const Stages& s, std::int64_t iter, const View& b_tile) {
  const auto k_tile = s.cfg.tiles.q_proj_k, n_tile = s.cfg.tiles.qproj_n, tt = s.cfg.tiles.t_tile;
  const bool first = iter == 0, last = iter == s.cfg.dims.q_lora / k_tile - 1;
  const Arg a = In(s.t.qr.cols(iter * k_tile, k_tile)).tiled(rows(tt)), b = In(b_tile).tiled(cols(n_tile, 1));
  const TileSpec acc_tile = grid(tt, n_tile);
  if (last) {
    MatmulDequantParams<ParamArg> args{.a = a, .b = b, .qr_scale = In(s.t.qr_scale).tiled(rows(tt)),
                                       .wq_b_scale = In(s.t.wq_b_scale).tiled(cols(n_tile, 1)),
                                       .q_full = Out(s.st.q_full).tiled(acc_tile)};
    if (!first) args.q_acc = In(s.st.q_acc).tiled(acc_tile);
    s.scope.mix("qproj_matmul_dequant", qproj_matmul_dequant_kernel(), std::move(args));
  } else if (first) {
    s.scope.cube("qproj_matmul", kd::matmul(), {.a = a, .b = b, .c = Out(s.st.q_acc).tiled(acc_tile)});
  } else {
    s.scope.cube("qproj_matmul", kd::matmul_acc(), {.a = a, .b = b, .c = InOut(s.st.q_acc).tiled(acc_tile)});
  }
}

// Stages 4-5: the K loop over Q_PROJ_TILE steps. Pipelined (tiles.qproj_pipeline): step i+1
// loads its wq_b tile into the other half of a ping-pong pair while step i multiplies, and
// the WAR edge on each half bounds the overlap. The halves are GM staging here (the device
// keeps them in L1); the load is a same-dtype cast, i.e. a copy (it stands for the MTE load).
// Direct: every step reads its K tile of wq_b in place.
void qproj(const Stages& s) {
  const auto k_tile = s.cfg.tiles.q_proj_k, n_tile = s.cfg.tiles.qproj_n, steps = s.cfg.dims.q_lora / k_tile;
  if (!s.cfg.tiles.qproj_pipeline) {
    for (std::int64_t i = 0; i < steps; ++i) qproj_step(s, i, s.t.wq_b.rows(i * k_tile, k_tile));
    return;
  }
  auto ring = s.scope.staging_ring("wq_b_tile", 2, {k_tile, s.cfg.dims.q_width()}, INT8);
  s.scope.pipeline(steps, 2, [&](const PipelineStep& step) {
    s.scope.vector("qproj_load_wq_b", kd::cast(),
                   {.src = In(s.t.wq_b.rows(step.iter * k_tile, k_tile)).tiled(cols(n_tile)),
                    .dst = Out(ring[step]).tiled(cols(n_tile))});
    qproj_step(s, step.iter, ring[step]);
  });
}

// A block's token tile × head tile of a [T, H, ·] view.
TileSpec tokens_by_heads(const Stages& s) {
  return tile::dims({{0, s.cfg.tiles.t_tile}, {1, s.cfg.tiles.q_rope_heads}, {}});
}

kernels::RmsNormOptions head_norm_options(const Stages& s) {
  return {.eps = s.cfg.dims.eps,
          .inv_sqrt = s.bug == QkvBug::rsqrt_q_head ? kernels::InvSqrtMode::rsqrt_approx : kernels::InvSqrtMode::recip_sqrt};
}

// Stage 6: per-head RMSNorm without gamma on fp32 q_full; NOPE dims written to q as bf16,
// ROPE dims kept in fp32 for q_rope (normalize before rotating: inv_rms commutes with the
// rotation, gamma would not).
void q_head_norm(const Stages& s) {
  const auto T = s.cfg.tokens(), H = s.cfg.dims.heads, HD = s.cfg.dims.head_dim, R = s.cfg.dims.rope;
  const auto tt = s.cfg.tiles.t_tile, ht = s.cfg.tiles.q_rope_heads;
  s.scope.vector("q_head_norm", q_head_norm_kernel(HD, R, head_norm_options(s)),
                 {.q_full = In(s.st.q_full).tiled(grid(tt, ht * HD)),
                  .q = Out(s.t.q.slice({0, 0, 0}, {T, H, s.cfg.dims.nope()})).tiled(tokens_by_heads(s)),
                  .q_pe_normed = Out(s.st.q_pe_normed).tiled(grid(tt, ht * R))});
}

kernels::RopeOptions rope_options(QkvBug bug) {
  return {bug == QkvBug::half_split_rope ? kernels::RopeLayout::half_split : kernels::RopeLayout::interleaved,
          kernels::RopeDirection::forward};
}

// Stages 7-8: interleaved partial RoPE on the normalized ROPE dims, written to q as bf16.
void q_rope(const Stages& s) {
  const auto T = s.cfg.tokens(), H = s.cfg.dims.heads, R = s.cfg.dims.rope;
  const auto tt = s.cfg.tiles.t_tile, ht = s.cfg.tiles.q_rope_heads;
  s.scope.vector("q_rope", q_rope_kernel(R, rope_options(s.bug)),
                 {.q_pe_normed = In(s.st.q_pe_normed).tiled(grid(tt, ht * R)), .rope_cos = In(s.t.rope_cos).tiled(rows(tt)),
                  .rope_sin = In(s.t.rope_sin).tiled(rows(tt)),
                  .q = Out(s.t.q.slice({0, 0, s.cfg.dims.nope()}, {T, H, R})).tiled(tokens_by_heads(s))});
}

// Host tiling, stages 4-8 as one MIX task: a block is a token block x a tile of heads, the
// int8 matmul over the whole K on its packed wq_b columns (each wq_b tile read once per token
// block), the dequant, the head norm and the RoPE in its scratch.
void qproj_heads(const Stages& s) {
  const auto HD = s.cfg.dims.head_dim, tt = s.token_tile();
  const auto ht = HostTiles::fit(s.cfg.host.qproj_heads, s.cfg.dims.heads), n_tile = ht * HD;
  if (s.packs) s.packs->add_column_tiles(s.t.wq_b, n_tile);
  s.scope.mix("qproj_heads", qproj_heads_kernel(s.packed_of(), HD, s.cfg.dims.rope, head_norm_options(s), rope_options(s.bug)),
              {.a = In(s.t.qr).tiled(rows(tt)), .b = In(s.t.wq_b).tiled(cols(n_tile, 1)),
               .qr_scale = In(s.t.qr_scale).tiled(rows(tt)), .wq_b_scale = In(s.t.wq_b_scale).tiled(cols(n_tile, 1)),
               .rope_cos = In(s.t.rope_cos).tiled(rows(tt)), .rope_sin = In(s.t.rope_sin).tiled(rows(tt)),
               .q = Out(s.t.q).tiled(tile::dims({{0, tt}, {1, ht}, {}}))});
}

// KV path: kv_n = RMSNorm(sum of partials, gamma_ckv); interleaved RoPE on the last ROPE dims.
void kv_rms_norm_rope(const Stages& s) {
  const auto tt = s.token_tile();
  s.scope.vector("kv_rms_norm_rope", kv_rms_norm_rope_kernel(s.cfg.dims.rope, s.cfg.dims.eps, rope_options(s.bug)),
                 {.kv_partial = In(by_split(s, s.st.kv_partial)).tiled(rows(tt)), .gamma_ckv = In(s.t.gamma_ckv),
                  .rope_cos = In(s.t.rope_cos).tiled(rows(tt)), .rope_sin = In(s.t.rope_sin).tiled(rows(tt)),
                  .kv = Out(s.t.kv).tiled(rows(tt))});
}

}  // namespace

QkvStaging build_qkv_proj_rope(Scope& s, const Config& cfg, const QkvTensors& t, QkvBug bug,
                               std::shared_ptr<WeightPacks> packs) {
  cfg.validate();
  const auto T = cfg.tokens(), QL = cfg.dims.q_lora, HD = cfg.dims.head_dim, KS = cfg.tiles.k_split;
  const auto N = cfg.dims.q_width();
  QkvStaging st;
  // Split-K partials, split k in rows [k*T, (k+1)*T); summed in split order by the consumer.
  st.qr_partial = s.staging("qr_partial", {KS * T, QL}, FP32);
  st.kv_partial = s.staging("kv_partial", {KS * T, HD}, FP32);
  if (!cfg.host_tiling()) {  // the host tiling keeps these in its q blocks' scratch
    st.q_acc = s.staging("q_acc", {T, N}, INT32);
    st.q_full = s.staging("q_full", {T, N}, FP32);
    st.q_pe_normed = s.staging("q_pe_normed", {T, cfg.dims.heads * cfg.dims.rope}, FP32);
  }
  const Stages stages{s, cfg, t, st, bug, cfg.host_tiling() ? std::move(packs) : nullptr};
  qr_proj(stages);
  qr_rms_norm_quant(stages);
  if (cfg.host_tiling()) {
    qproj_heads(stages);
  } else {
    qproj(stages);
    q_head_norm(stages);
    q_rope(stages);
  }
  kv_proj(stages);
  kv_rms_norm_rope(stages);
  return st;
}

}  // namespace tg::models::deepseek_v4
