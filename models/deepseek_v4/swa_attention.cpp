// DeepSeek V4 SWA attention, one function per stage of docs/models/v4_swa_attention.md. Each
// task names a kernel descriptor (swa_kernels.hpp, or the library's int8 quantizer), binds
// its parameters by name and says how a block cuts each argument.
#include "models/deepseek_v4/swa_attention.hpp"

#include "kernels/descriptors/descriptors.hpp"
#include "models/common/tiled_tasks.hpp"
#include "models/deepseek_v4/demo_inputs.hpp"
#include "models/deepseek_v4/swa_golden.hpp"
#include "models/deepseek_v4/swa_kernels.hpp"

namespace tg::models::deepseek_v4 {

SwaBug parse_swa_bug(std::string_view name) { return parse_planted_bug<SwaBug>("v4-swa-attention", name, kSwaBugs); }

SwaTensors SwaTensors::declare(Scope& s, const Config& cfg) {
  cfg.validate();
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, R = cfg.dims.rope, W = cfg.dims.window;
  const auto G = cfg.dims.o_groups, OL = cfg.dims.o_lora, D = cfg.dims.hidden;
  SwaTensors t;
  t.q = s.input("q", {T, H, HD}, BF16);
  t.ori_kv = s.input("ori_kv", {swa_cache_blocks(cfg), kCacheBlockRows, 1, HD}, BF16);
  t.swa_indices = s.input("swa_indices", {T, W}, INT32);
  t.swa_lens = s.input("swa_lens", {T}, INT32);
  t.freqs_cos = s.input("freqs_cos", {T, R}, BF16);
  t.freqs_sin = s.input("freqs_sin", {T, R}, BF16);
  t.attn_sink = s.weight("attn_sink", {H}, FP32);
  t.wo_a = s.weight("wo_a", {G, OL, cfg.dims.heads_per_group() * HD}, BF16);
  t.wo_b = s.weight("wo_b", {D, G * OL}, INT8);
  t.wo_b_scale = s.weight("wo_b_scale", {D}, FP32);
  t.attn_out = s.output("attn_out", {T, D}, BF16);
  return t;
}

namespace {

namespace kd = kernels::descriptors;
using tile::cols;
using tile::grid;
using tile::rows;

struct Stages {
  Scope& scope;
  const Config& cfg;
  const SwaTensors& t;
  const SwaStaging& st;
  std::shared_ptr<WeightPacks> packs;  // host tiling: o_proj_a / o_proj_b on weights packed once (null: views)

  // The tiles of the tiling the config asks for (the host's: fewer, larger blocks).
  std::int64_t attn_heads() const {
    return cfg.host_tiling() ? HostTiles::fit(cfg.host.attn_heads, cfg.dims.heads) : cfg.tiles.attn_heads;
  }
  std::int64_t o_lora_tile() const {
    return cfg.host_tiling() ? HostTiles::fit(cfg.host.o_lora_tile, cfg.dims.o_lora) : cfg.tiles.o_lora_tile;
  }
  std::int64_t out_d_tile() const {
    return cfg.host_tiling() ? HostTiles::fit(cfg.host.out_d_tile, cfg.dims.hidden) : cfg.tiles.out_d_tile;
  }
  std::int64_t token_tile() const {
    return cfg.host_tiling() ? HostTiles::fit(cfg.host.token_rows, cfg.tokens()) : cfg.tiles.t_tile;
  }
  // The host tiling emits the attention, o_proj_a and o_r_quant as one task per block, head
  // tile by head tile and group by group: o_proj_a of a group waits only for its heads'
  // attention blocks (not for every block of one SPMD task), so the weight-streaming
  // projection of the first groups runs beside the compute-bound attention of the last heads.
  Emission per_group_emission() const { return cfg.host_tiling() ? Emission::task_per_tile : Emission::spmd; }
  // Grid axes of the attention: the host's per-block tasks go head tile by head tile (the
  // last grid axis is the fastest), the reference's SPMD blocks token by token.
  int token_axis() const { return cfg.host_tiling() ? 1 : 0; }
  int head_axis() const { return cfg.host_tiling() ? 0 : 1; }
};

// One token per block on grid axis 0: its row of [T, ·] tensors, its entry of swa_lens, its
// WIN rows of kv_window.
Arg per_token(Arg a) { return a.tiled(rows(1)); }

// Step 1: gather token t's window rows from the paged cache; invalid slots get a zero row.
// A valid-prefix row outside [-1, BLOCKS·128) is a clear error, not a wild read; slots past
// swa_lens are never read, whatever they hold.
void swa_gather_kv(const Stages& s) {
  s.scope.vector("swa_gather_kv", swa_gather_kv_kernel(),
                 {.ori_kv = In(s.t.ori_kv), .swa_indices = per_token(In(s.t.swa_indices)),
                  .swa_lens = In(s.t.swa_lens).tiled(cols(1)), .kv_window = Out(s.st.kv_window).tiled(rows(s.cfg.dims.window))});
}

// Steps 2-6 for one token and a tile of heads: per ATTN_K_TILE rows, scores = q·kᵀ·scale
// masked to −1e20, m_i, p = exp(s − m_i) rounded to bf16 for PV while l_i sums the fp32
// exps, o_i = p @ kv; online merge; the sink joins the denominator; inverse RoPE; bf16.
void swa_attention(const Stages& s) {
  const auto ht = s.attn_heads(), W = s.cfg.dims.window;
  const int tok = s.token_axis(), head = s.head_axis();
  auto token_rows = [tok](Arg a, std::int64_t rows) { return a.tiled(tile::rows(rows, tok)); };
  const TileSpec token_heads = tile::dims({{tok, 1}, {head, ht}, {}});
  submit_tiled(s.scope, TaskKind::Mix, "swa_attention", swa_attention_kernel(s.cfg.tiles.attn_k, s.cfg.dims.rope, s.cfg.dims.softmax_scale()),
               {.q = In(s.t.q).tiled(token_heads), .kv_window = token_rows(In(s.st.kv_window), W),
                .swa_indices = token_rows(In(s.t.swa_indices), 1), .swa_lens = In(s.t.swa_lens).tiled(cols(1, tok)),
                .attn_sink = In(s.t.attn_sink).tiled(cols(ht, head)), .freqs_cos = token_rows(In(s.t.freqs_cos), 1),
                .freqs_sin = token_rows(In(s.t.freqs_sin), 1), .o = Out(s.st.o).tiled(token_heads)},
               s.per_group_emission());
}

// Step 7a: o_r[t, g, :] = o_group[t, g] @ wo_a[g]ᵀ, per (group, O_LORA tile).
// With packs, each block's wo_a tile is packed as the transposed order's lane segments
// (lane_matmul.hpp): the same sums, B streamed sequentially (K a multiple of 32, as at every
// preset's dims; otherwise the view kernel).
void o_proj_a(const Stages& s) {
  const auto nt = s.o_lora_tile(), G = s.cfg.dims.o_groups, OL = s.cfg.dims.o_lora, K = s.t.wo_a.size(2);
  const bool packed = s.packs && K % 32 == 0;
  if (packed)
    for (std::int64_t g = 0; g < G; ++g)
      for (std::int64_t n0 = 0; n0 < OL; n0 += nt) s.packs->add_lane_segments(s.t.wo_a.slice({g, n0, 0}, {1, nt, K}).reshape({nt, K}));
  submit_tiled(s.scope, TaskKind::Cube, "o_proj_a", packed ? o_proj_a_packed_kernel(s.packs) : o_proj_a_kernel(),
               {.o = In(s.st.o).tiled(tile::dims({{}, {0, s.cfg.dims.heads_per_group()}, {}})),
                .wo_a = In(s.t.wo_a).tiled(tile::dims({{0, 1}, {1, nt}, {}})),
                .o_r = Out(s.st.o_r).tiled(tile::dims({{}, {0, 1}, {1, nt}}))},
               s.per_group_emission());
}

// Step 7b: per-(token, group) int8 rule on o_r; a block quantizes T_TILE rows of one group.
void o_r_quant(const Stages& s) {
  const auto T = s.cfg.tokens(), GOL = s.cfg.dims.o_groups * s.cfg.dims.o_lora, tt = s.token_tile();
  const TileSpec token_rows_of_group = grid(tt, s.cfg.dims.o_lora);
  submit_tiled(s.scope, TaskKind::Vector, "o_r_quant", kd::quantize_int8_rows(),
               {.x = In(s.st.o_r.reshape({T, GOL})).tiled(token_rows_of_group),
                .q = Out(s.st.o_r_i8.reshape({T, GOL})).tiled(token_rows_of_group),
                .scale = Out(s.st.o_r_scale_dq).tiled(grid(tt, 1))},
               s.per_group_emission());
}

// Step 7c: out[t, d] = (Σ_g fp32(o_r_i8[t, g] · wo_b[d, g]) · o_r_scale_dq[t, g]) · wo_b_scale[d],
// groups summed in order, per D tile.
// With packs, each (D tile, group) of wo_b is packed as its transpose (exact int32 sums).
void o_proj_b(const Stages& s) {
  const auto dt = s.out_d_tile(), G = s.cfg.dims.o_groups, OL = s.cfg.dims.o_lora;
  if (s.packs)
    for (std::int64_t d0 = 0; d0 < s.cfg.dims.hidden; d0 += dt)
      for (std::int64_t g = 0; g < G; ++g) s.packs->add_transposed(s.t.wo_b.rows(d0, dt).cols(g * OL, OL));
  s.scope.mix("o_proj_b", s.packs ? o_proj_b_packed_kernel(s.packs) : o_proj_b_kernel(),
              {.o_r_i8 = In(s.st.o_r_i8), .o_r_scale_dq = In(s.st.o_r_scale_dq), .wo_b = In(s.t.wo_b).tiled(rows(dt)),
               .wo_b_scale = In(s.t.wo_b_scale).tiled(cols(dt)), .attn_out = Out(s.t.attn_out).tiled(cols(dt))});
}

}  // namespace

SwaStaging build_swa_attention(Scope& s, const Config& cfg, const SwaTensors& t, SwaBug, std::shared_ptr<WeightPacks> packs) {
  if (!cfg.host_tiling()) packs = nullptr;
  const SwaStaging st = build_swa_attention_heads(s, cfg, t, packs);
  o_proj_b(Stages{s, cfg, t, st, packs});
  return st;
}

SwaStaging build_swa_attention_heads(Scope& s, const Config& cfg, const SwaTensors& t, std::shared_ptr<WeightPacks> packs) {
  if (!cfg.host_tiling()) packs = nullptr;
  cfg.validate();
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, W = cfg.dims.window;
  const auto G = cfg.dims.o_groups, OL = cfg.dims.o_lora;
  SwaStaging st;
  st.kv_window = s.staging("kv_window", {T * W, HD}, BF16);
  st.o = s.staging("o", {T, H, HD}, BF16);
  st.o_r = s.staging("o_r", {T, G, OL}, FP32);
  st.o_r_i8 = s.staging("o_r_i8", {T, G, OL}, INT8);
  st.o_r_scale_dq = s.staging("o_r_scale_dq", {T, G}, FP32);
  const Stages stages{s, cfg, t, st, std::move(packs)};
  swa_gather_kv(stages);
  swa_attention(stages);
  o_proj_a(stages);
  o_r_quant(stages);
  return st;
}

}  // namespace tg::models::deepseek_v4
