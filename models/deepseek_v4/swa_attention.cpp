#include "models/deepseek_v4/swa_attention.hpp"

#include <cstring>
#include <limits>

#include "kernels/kernels.hpp"
#include "models/deepseek_v4/block_grid.hpp"
#include "models/deepseek_v4/demo_inputs.hpp"
#include "models/deepseek_v4/swa_indices.hpp"
#include "runtime/error.hpp"

namespace tg::models::v4 {

namespace {

using kernels::matmul;

struct Tensors {
  View q, ori_kv, swa_indices, swa_lens, attn_sink, freqs_cos, freqs_sin, wo_a, wo_b, wo_b_scale;  // inputs
  View attn_out;                                                                                  // output
  View kv_window, o, o_r, o_r_i8, o_r_scale_dq;                                                   // staging
};

Tensors declare(Scope& s, const Config& cfg) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, R = cfg.dims.rope, W = cfg.dims.window;
  const auto G = cfg.dims.o_groups, OL = cfg.dims.o_lora, D = cfg.dims.hidden;
  Tensors t;
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
  t.kv_window = s.staging("kv_window", {T * W, HD}, BF16);
  t.o = s.staging("o", {T, H, HD}, BF16);
  t.o_r = s.staging("o_r", {T, G, OL}, FP32);
  t.o_r_i8 = s.staging("o_r_i8", {T, G, OL}, INT8);
  t.o_r_scale_dq = s.staging("o_r_scale_dq", {T, G}, FP32);
  return t;
}

bool slot_valid(const std::int32_t* indices, std::int32_t len, std::int64_t j) { return j < len && indices[j] >= 0; }

// Step 1: gather token t's window rows from the paged cache; invalid slots get a zero row.
// A valid-prefix row outside [-1, BLOCKS·128) is a clear error, not a wild read; slots past
// swa_lens are never read, whatever they hold.
void swa_gather_kv(Scope& s, const Config& cfg, const Tensors& t) {
  const auto T = cfg.tokens(), W = cfg.dims.window, HD = cfg.dims.head_dim;
  const auto cache_rows = swa_cache_blocks(cfg) * kCacheBlockRows;
  s.vector("swa_gather_kv", {In(t.ori_kv), In(t.swa_indices), In(t.swa_lens), Out(t.kv_window)},
           [=](const TaskContext& c) {
             const auto tok = c.block_idx();
             const bf16* cache = c.data<bf16>(0);
             const std::int32_t* idx = c.view(1).row<std::int32_t>(tok);
             const std::int32_t len = c.view(2).at<std::int32_t>({tok});
             bf16* out = c.view(3).row<bf16>(tok * W);
             for (std::int64_t j = 0; j < W; ++j) {
               bf16* dst = out + j * HD;
               if (j < len && (idx[j] < -1 || idx[j] >= cache_rows))
                 throw ShapeError("swa_gather_kv: " + bad_swa_index_text({tok, j, idx[j], len}, cache_rows));
               if (!slot_valid(idx, len, j)) {
                 std::memset(static_cast<void*>(dst), 0, static_cast<std::size_t>(HD) * sizeof(bf16));
                 continue;
               }
               std::memcpy(static_cast<void*>(dst), cache + static_cast<std::int64_t>(idx[j]) * HD,
                           static_cast<std::size_t>(HD) * sizeof(bf16));
             }
           })
      .blocks(static_cast<int>(T))
      .cost({0, 4.0 * W * HD + 8.0 * W, static_cast<std::uint64_t>(2 * cfg.tiles.attn_k * HD), false});
}

// Steps 2-6 for one token and a tile of heads: per ATTN_K_TILE rows, scores = q·kᵀ·scale
// masked to −1e20, m_i, p = exp(s − m_i) rounded to bf16 for PV while l_i sums the fp32
// exps, o_i = p @ kv; online merge; the sink joins the denominator; inverse RoPE; bf16.
void swa_attention(Scope& s, const Config& cfg, const Tensors& t) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, R = cfg.dims.rope, W = cfg.dims.window;
  const auto NOPE = cfg.dims.nope(), KT = cfg.tiles.attn_k, ht = cfg.tiles.attn_heads, h_tiles = H / ht;
  const float softmax_scale = cfg.dims.softmax_scale();
  s.mix("swa_attention",
        {In(t.q), In(t.kv_window), In(t.swa_indices), In(t.swa_lens), In(t.attn_sink), In(t.freqs_cos),
         In(t.freqs_sin), Out(t.o)},
        [=](const TaskContext& c) {
          const auto [tok, h_idx] = block_coord(c.block_idx(), h_tiles);
          const auto h0 = h_idx * ht;
          const View q = as_matrix(c.view(0), T * H, HD).rows(tok * H + h0, ht);
          const View o_out = as_matrix(c.view(7), T * H, HD).rows(tok * H + h0, ht);
          const std::int32_t* idx = c.view(2).row<std::int32_t>(tok);
          const std::int32_t len = c.view(3).at<std::int32_t>({tok});
          Scratch m("m", FP32, {ht}), l("l", FP32, {ht}), o("o_acc", FP32, {ht, HD});
          Scratch m_i("m_i", FP32, {ht}), l_i("l_i", FP32, {ht}), o_i("o_i", FP32, {ht, HD});
          Scratch scores("scores", FP32, {ht, KT}), p("p", BF16, {ht, KT});
          for (std::int64_t r = 0; r < ht; ++r) m.view().at<float>({r}) = -std::numeric_limits<float>::infinity();
          for (std::int64_t j0 = 0; j0 < W; j0 += KT) {
            const View kv = c.view(1).rows(tok * W + j0, KT);
            matmul(q, kv, scores.view(), {.b_layout = kernels::BLayout::transposed});
            kernels::scale(scores.view(), View{}, View{}, scores.view(), {.multiplier = softmax_scale});
            for (std::int64_t j = 0; j < KT; ++j)
              if (!slot_valid(idx, len, j0 + j))
                for (std::int64_t r = 0; r < ht; ++r) scores.view().at<float>({r, j}) = kMaskedScore;
            kernels::row_max(scores.view(), m_i.view());
            kernels::exp_rows(scores.view(), m_i.view(), p.view(), l_i.view(), {.masked_at_or_below = kMaskedScore});
            matmul(p.view(), kv, o_i.view());
            kernels::online_softmax_merge(m.view(), l.view(), o.view(), m_i.view(), l_i.view(), o_i.view());
          }
          // Denominator l + exp(sink[h] − m); a row with no valid slot has o = 0 and stays 0.
          Scratch denom("denominator", FP32, {ht});
          for (std::int64_t r = 0; r < ht; ++r) {
            const float mr = m.view().at<float>({r});
            const float sink = c.view(4).at<float>({h0 + r});
            denom.view().at<float>({r}) = mr <= kMaskedScore ? 0.0f : l.view().at<float>({r}) + kernels::exp_fp32(sink - mr);
          }
          kernels::divide_rows(o.view(), denom.view(), o.view());
          kernels::cast(o.view().cols(0, NOPE), o_out.cols(0, NOPE));
          kernels::rope(o.view().cols(NOPE, R), c.view(5).rows(tok, 1), c.view(6).rows(tok, 1), o_out.cols(NOPE, R),
                        {kernels::RopeLayout::interleaved, kernels::RopeDirection::inverse});
        })
      .blocks(static_cast<int>(T * h_tiles))
      .cost({4.0 * ht * W * HD + 8.0 * ht * W, 2.0 * ht * HD + 2.0 * W * HD + 8.0 * W + 2.0 * ht * HD,
             static_cast<std::uint64_t>(2 * KT * HD + 4 * ht * HD * 2 + 6 * ht * KT), false});
}

// Step 7a: o_r[t, g, :] = o_group[t, g] @ wo_a[g]ᵀ, per (group, O_LORA tile).
void o_proj_a(Scope& s, const Config& cfg, const Tensors& t) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, G = cfg.dims.o_groups, OL = cfg.dims.o_lora;
  const auto K = cfg.dims.heads_per_group() * HD, nt = cfg.tiles.o_lora_tile, n_tiles = OL / nt;
  s.cube("o_proj_a", {In(t.o), In(t.wo_a), Out(t.o_r)},
         [=](const TaskContext& c) {
           const auto [g, n] = block_coord(c.block_idx(), n_tiles);
           const View a = as_matrix(c.view(0), T, H * HD).cols(g * K, K);
           const View w = as_matrix(c.view(1), G * OL, K).rows(g * OL + n * nt, nt);
           const View out = as_matrix(c.view(2), T, G * OL).cols(g * OL + n * nt, nt);
           matmul(a, w, out, {.b_layout = kernels::BLayout::transposed});
         })
      .blocks(static_cast<int>(G * n_tiles))
      .cost({2.0 * cfg.tiles.cube_m * K * nt, 2.0 * T * K + 2.0 * K * nt + 4.0 * T * nt,
             static_cast<std::uint64_t>(2 * (cfg.tiles.cube_m + nt) * cfg.tiles.q_proj_k * 2 + 4 * cfg.tiles.cube_m * nt), false});
}

// Step 7b: per-(token, group) int8 rule on o_r; a block quantizes T_TILE rows of one group.
void o_r_quant(Scope& s, const Config& cfg, const Tensors& t) {
  const auto T = cfg.tokens(), G = cfg.dims.o_groups, OL = cfg.dims.o_lora, tt = cfg.tiles.t_tile;
  s.vector("o_r_quant", {In(t.o_r), Out(t.o_r_i8), Out(t.o_r_scale_dq)},
           [=](const TaskContext& c) {
             // Plain variables, not a structured binding: clang 14 (the fuzz build) cannot capture one.
             const BlockCoord at = block_coord(c.block_idx(), G);
             const std::int64_t t_idx = at.row_tile, g = at.col_tile;
             const auto rows = tile_range(t_idx, tt, T);
             auto group_rows = [&](std::size_t arg) {
               return as_matrix(c.view(arg), T, G * OL).slice({rows.start, g * OL}, {rows.count, OL});
             };
             kernels::quantize_int8_rows(group_rows(0), group_rows(1), c.view(2).slice({rows.start, g}, {rows.count, 1}));
           })
      .blocks(static_cast<int>(ceil_div(T, tt) * G))
      .cost({3.0 * tt * OL, 5.0 * tt * OL + 4.0 * tt, static_cast<std::uint64_t>(5 * tt * OL), false});
}

// Step 7c: out[t, d] = (Σ_g fp32(o_r_i8[t, g] · wo_b[d, g]) · o_r_scale_dq[t, g]) · wo_b_scale[d],
// groups summed in order, per D tile.
void o_proj_b(Scope& s, const Config& cfg, const Tensors& t) {
  const auto T = cfg.tokens(), G = cfg.dims.o_groups, OL = cfg.dims.o_lora, D = cfg.dims.hidden;
  const auto dt = cfg.tiles.out_d_tile;
  s.mix("o_proj_b", {In(t.o_r_i8), In(t.o_r_scale_dq), In(t.wo_b), In(t.wo_b_scale), Out(t.attn_out)},
        [=](const TaskContext& c) {
          const auto d0 = c.block_idx() * dt;
          const View a = as_matrix(c.view(0), T, G * OL);
          Scratch partial("partial_g", INT32, {T, dt}), out("out", FP32, {T, dt});
          for (std::int64_t g = 0; g < G; ++g) {
            matmul(a.cols(g * OL, OL), c.view(2).slice({d0, g * OL}, {dt, OL}), partial.view(),
                   {.b_layout = kernels::BLayout::transposed});
            kernels::dequantize_int32(partial.view(), c.view(1).cols(g, 1), View{}, out.view(), g > 0);
          }
          kernels::scale(out.view(), View{}, c.view(3).cols(d0, dt), c.view(4).cols(d0, dt));
        })
      .blocks(static_cast<int>(D / dt))
      .cost({2.0 * cfg.tiles.cube_m * G * OL * dt, 1.0 * T * G * OL + 1.0 * dt * G * OL + 2.0 * T * dt + 4.0 * dt,
             // One K chunk of wo_b and of the codes staged at a time, the int32 partial and the fp32 sum.
             static_cast<std::uint64_t>((dt + cfg.tiles.cube_m) * cfg.tiles.q_proj_k + 8 * cfg.tiles.cube_m * dt), true});
}

}  // namespace

void build_swa_attention(Scope& s, const Config& cfg) {
  cfg.validate();
  const Tensors t = declare(s, cfg);
  swa_gather_kv(s, cfg, t);
  swa_attention(s, cfg, t);
  o_proj_a(s, cfg, t);
  o_r_quant(s, cfg, t);
  o_proj_b(s, cfg, t);
}

}  // namespace tg::models::v4
