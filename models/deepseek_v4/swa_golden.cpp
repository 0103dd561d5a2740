#include "models/deepseek_v4/swa_golden.hpp"

#include <algorithm>
#include <cmath>

#include "models/deepseek_v4/qkv_golden.hpp"
#include "models/deepseek_v4/swa_indices.hpp"

namespace tg::models::deepseek_v4 {

namespace {

float f(bf16 v) { return v.to_float(); }

struct Stats {
  float m = kMaskedScore;
  float l = 0;
};

// Step 6: inverse interleaved RoPE on the last ROPE dims of the fp32 o, all written as bf16.
void inverse_rope(const Config& cfg, const SwaInputsView& in, std::int64_t t, std::span<const float> o,
                  std::span<float> out) {
  const auto nope = cfg.dims.nope(), R = cfg.dims.rope;
  for (std::int64_t i = 0; i < nope; ++i) out[i] = round_to_bf16(o[i]);
  for (std::int64_t j = 0; j < R / 2; ++j) {
    const float even = o[nope + 2 * j], odd = o[nope + 2 * j + 1];
    const float c = f(in.freqs_cos[t * R + j]), s = f(in.freqs_sin[t * R + j]);
    out[nope + 2 * j] = round_to_bf16(even * c + odd * s);
    out[nope + 2 * j + 1] = round_to_bf16(odd * c - even * s);
  }
}

// The golden reads only rows that exist: a bad index is the same ConfigError as before a run.
void check_indices(const Config& cfg, const SwaInputsView& in) {
  check_swa_indices(in.swa_indices, in.swa_lens, cfg.dims.window,
                    static_cast<std::int64_t>(in.ori_kv.size()) / cfg.dims.head_dim);
}

const bf16* kv_row(const SwaInputsView& in, const Config& cfg, std::int64_t t, std::int64_t j) {
  return in.ori_kv.data() + static_cast<std::int64_t>(in.swa_indices[t * cfg.dims.window + j]) * cfg.dims.head_dim;
}

// Raw score of slot j (already known valid).
float score(const Config& cfg, const SwaInputsView& in, std::int64_t t, std::int64_t h, std::int64_t j) {
  const auto HD = cfg.dims.head_dim;
  const bf16* q = in.q.data() + (t * cfg.dims.heads + h) * HD;
  const bf16* k = kv_row(in, cfg, t, j);
  float dot = 0;
  for (std::int64_t i = 0; i < HD; ++i) dot += f(q[i]) * f(k[i]);
  return dot * cfg.dims.softmax_scale();
}

}  // namespace

bool swa_slot_valid(const SwaInputsView& in, std::int64_t window, std::int64_t t, std::int64_t j) {
  return j < in.swa_lens[t] && in.swa_indices[t * window + j] >= 0;
}

std::vector<float> swa_o_golden(const Config& cfg, const SwaInputsView& in) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, W = cfg.dims.window;
  const auto KT = cfg.tiles.attn_k;
  check_indices(cfg, in);
  std::vector<float> out(static_cast<std::size_t>(T * H * HD));
  std::vector<float> o(static_cast<std::size_t>(HD)), o_i(static_cast<std::size_t>(HD));
  std::vector<float> s(static_cast<std::size_t>(KT)), p(static_cast<std::size_t>(KT));
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t h = 0; h < H; ++h) {
      bool any_valid = false;
      Stats run;
      std::fill(o.begin(), o.end(), 0.0f);
      for (std::int64_t j0 = 0; j0 < W; j0 += KT) {
        // Steps 2-3 on one tile: masked scores, tile max, exp, l_i, o_i = bf16(p) @ kv.
        float m_i = kMaskedScore;
        for (std::int64_t j = 0; j < KT; ++j) {
          const bool valid = swa_slot_valid(in, W, t, j0 + j);
          any_valid = any_valid || valid;
          s[j] = valid ? score(cfg, in, t, h, j0 + j) : kMaskedScore;
          m_i = std::max(m_i, s[j]);
        }
        float l_i = 0;
        for (std::int64_t j = 0; j < KT; ++j) {
          p[j] = swa_slot_valid(in, W, t, j0 + j) ? std::exp(s[j] - m_i) : 0.0f;
          l_i += p[j];
        }
        std::fill(o_i.begin(), o_i.end(), 0.0f);
        for (std::int64_t j = 0; j < KT; ++j) {
          if (p[j] == 0.0f) continue;
          const float pb = round_to_bf16(p[j]);
          const bf16* k = kv_row(in, cfg, t, j0 + j);
          for (std::int64_t i = 0; i < HD; ++i) o_i[i] += pb * f(k[i]);
        }
        // Step 4: online merge (the first tile just initializes).
        if (j0 == 0) {
          run = Stats{m_i, l_i};
          o = o_i;
        } else {
          const float m = std::max(run.m, m_i);
          const float alpha = std::exp(run.m - m), beta = std::exp(m_i - m);
          run.l = alpha * run.l + beta * l_i;
          for (std::int64_t i = 0; i < HD; ++i) o[i] = alpha * o[i] + beta * o_i[i];
          run.m = m;
        }
      }
      // Step 5: the sink joins the denominator; a row with no valid slot gives 0.
      if (any_valid) {
        const float denom = run.l + std::exp(in.attn_sink[h] - run.m);
        for (auto& v : o) v = v / denom;
      } else {
        std::fill(o.begin(), o.end(), 0.0f);
      }
      inverse_rope(cfg, in, t, o, std::span(out).subspan((t * H + h) * HD, HD));
    }
  return out;
}

std::vector<float> swa_o_untiled_fp32(const Config& cfg, const SwaInputsView& in) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, W = cfg.dims.window;
  check_indices(cfg, in);
  std::vector<float> out(static_cast<std::size_t>(T * H * HD));
  std::vector<double> o(static_cast<std::size_t>(HD));
  std::vector<float> of(static_cast<std::size_t>(HD));
  std::vector<float> s(static_cast<std::size_t>(W));
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t h = 0; h < H; ++h) {
      float m = -INFINITY;
      for (std::int64_t j = 0; j < W; ++j)
        if (swa_slot_valid(in, W, t, j)) m = std::max(m, s[j] = score(cfg, in, t, h, j));
      std::fill(o.begin(), o.end(), 0.0);
      if (m != -INFINITY) {
        double l = std::exp(static_cast<double>(in.attn_sink[h]) - m);
        for (std::int64_t j = 0; j < W; ++j) {
          if (!swa_slot_valid(in, W, t, j)) continue;
          const double p = std::exp(static_cast<double>(s[j]) - m);
          l += p;
          const bf16* k = kv_row(in, cfg, t, j);
          for (std::int64_t i = 0; i < HD; ++i) o[i] += p * f(k[i]);
        }
        for (std::int64_t i = 0; i < HD; ++i) o[i] /= l;
      }
      for (std::int64_t i = 0; i < HD; ++i) of[i] = static_cast<float>(o[i]);
      inverse_rope(cfg, in, t, of, std::span(out).subspan((t * H + h) * HD, HD));
    }
  return out;
}

std::vector<float> o_r_golden(const Config& cfg, const SwaInputsView& in, std::span<const float> o) {
  const auto T = cfg.tokens(), G = cfg.dims.o_groups, OL = cfg.dims.o_lora;
  const auto K = cfg.dims.heads_per_group() * cfg.dims.head_dim;  // one group's heads, head-major
  std::vector<float> o_r(static_cast<std::size_t>(T * G * OL));
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t g = 0; g < G; ++g) {
      const float* row = o.data() + (t * cfg.dims.heads + g * cfg.dims.heads_per_group()) * cfg.dims.head_dim;
      for (std::int64_t n = 0; n < OL; ++n) {
        const bf16* w = in.wo_a.data() + (g * OL + n) * K;
        float acc = 0;
        for (std::int64_t k = 0; k < K; ++k) acc += row[k] * f(w[k]);
        o_r[(t * G + g) * OL + n] = acc;
      }
    }
  return o_r;
}

void o_r_quant_golden(const Config& cfg, std::span<const float> o_r, std::vector<std::int8_t>& codes,
                      std::vector<float>& scales) {
  const auto rows = cfg.tokens() * cfg.dims.o_groups, OL = cfg.dims.o_lora;
  codes.assign(static_cast<std::size_t>(rows * OL), 0);
  scales.assign(static_cast<std::size_t>(rows), 0.0f);
  for (std::int64_t r = 0; r < rows; ++r)
    scales[r] = golden_quantize_row(o_r.subspan(r * OL, OL), std::span(codes).subspan(r * OL, OL));
}

std::vector<float> attn_out_golden(const Config& cfg, const SwaInputsView& in, std::span<const std::int8_t> codes,
                                   std::span<const float> scales) {
  const auto T = cfg.tokens(), G = cfg.dims.o_groups, OL = cfg.dims.o_lora, D = cfg.dims.hidden;
  std::vector<float> out(static_cast<std::size_t>(T * D));
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t d = 0; d < D; ++d) {
      float acc = 0;
      for (std::int64_t g = 0; g < G; ++g) {
        std::int32_t partial = 0;
        const std::int8_t* a = codes.data() + (t * G + g) * OL;
        const std::int8_t* w = in.wo_b.data() + d * G * OL + g * OL;
        for (std::int64_t k = 0; k < OL; ++k) partial += static_cast<std::int32_t>(a[k]) * w[k];
        acc += static_cast<float>(partial) * scales[t * G + g];
      }
      out[t * D + d] = round_to_bf16(acc * in.wo_b_scale[d]);
    }
  return out;
}

}  // namespace tg::models::deepseek_v4
