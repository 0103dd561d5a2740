#include "models/deepseek_v4/qkv_golden.hpp"

#include <algorithm>
#include <cmath>

namespace tg::models::deepseek_v4 {

namespace {

float f(bf16 v) { return v.to_float(); }

// 1/sqrt(v) in fp32: sqrt, then reciprocal (the kernels' default recip(sqrt) mode).
float inv_sqrt(float v) { return 1.0f / std::sqrt(v); }

// Interleaved partial RoPE of step 7 on `vals` (fp32, HEAD_DIM wide), output bf16 values.
void rope_interleaved(const Config& cfg, std::span<const bf16> cos_row, std::span<const bf16> sin_row,
                      std::span<const float> vals, std::span<float> out) {
  const auto nope = cfg.dims.nope();
  for (std::int64_t i = 0; i < nope; ++i) out[i] = round_to_bf16(vals[i]);
  for (std::int64_t j = 0; j < cfg.dims.rope / 2; ++j) {
    const float even = vals[nope + 2 * j], odd = vals[nope + 2 * j + 1];
    const float c = f(cos_row[j]), s = f(sin_row[j]);
    out[nope + 2 * j] = round_to_bf16(even * c - odd * s);
    out[nope + 2 * j + 1] = round_to_bf16(even * s + odd * c);
  }
}

}  // namespace

float golden_quantize_row(std::span<const float> row, std::span<std::int8_t> codes) {
  float amax = 0;
  for (float v : row) amax = std::max(amax, std::fabs(v));
  amax = std::max(amax, kInt8AmaxEps);
  const float s = kInt8ScaleMax / amax;
  for (std::size_t i = 0; i < row.size(); ++i) {
    const float r = std::nearbyint(row[i] * s);  // FE_TONEAREST: half to even
    codes[i] = static_cast<std::int8_t>(std::clamp(r, -127.0f, 127.0f));
  }
  return 1.0f / s;
}

QStages q_stages_from_qr(const Config& cfg, const QkvInputsView& in, std::span<const std::int8_t> qr,
                         std::span<const float> qr_scale) {
  const auto T = cfg.tokens(), QL = cfg.dims.q_lora, N = cfg.dims.q_width();
  const auto last_tile = (QL / cfg.tiles.q_proj_k - 1) * cfg.tiles.q_proj_k;  // K where the last step starts
  QStages out;
  out.q_full.resize(static_cast<std::size_t>(T * N));
  if (last_tile > 0) out.q_acc.resize(static_cast<std::size_t>(T * N));
  // Steps 4-5: int32 accumulation over K in order, then the two scales.
  std::vector<std::int32_t> acc(static_cast<std::size_t>(N));
  for (std::int64_t t = 0; t < T; ++t) {
    std::fill(acc.begin(), acc.end(), 0);
    for (std::int64_t k = 0; k < QL; ++k) {
      if (k == last_tile && last_tile > 0) std::copy(acc.begin(), acc.end(), out.q_acc.begin() + t * N);
      const std::int32_t a = qr[t * QL + k];
      if (a == 0) continue;
      const std::int8_t* w = in.wq_b.data() + k * N;
      for (std::int64_t c = 0; c < N; ++c) acc[c] += a * w[c];
    }
    for (std::int64_t c = 0; c < N; ++c) out.q_full[t * N + c] = static_cast<float>(acc[c]) * qr_scale[t] * in.wq_b_scale[c];
  }
  q_head_norm_golden(cfg, out.q_full, out.q, out.q_pe_normed);
  q_rope_golden(cfg, in, out.q_pe_normed, out.q);
  return out;
}

void q_head_norm_golden(const Config& cfg, std::span<const float> q_full, std::vector<float>& q,
                        std::vector<float>& q_pe_normed) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, R = cfg.dims.rope, NOPE = cfg.dims.nope();
  q.assign(static_cast<std::size_t>(T * H * HD), 0.0f);
  q_pe_normed.assign(static_cast<std::size_t>(T * H * R), 0.0f);
  for (std::int64_t th = 0; th < T * H; ++th) {
    const float* head = q_full.data() + th * HD;
    float ss = 0;
    for (std::int64_t i = 0; i < HD; ++i) ss += head[i] * head[i];
    const float inv = inv_sqrt(ss / static_cast<float>(HD) + cfg.dims.eps);
    // Normalize before rotating: inv_rms commutes with the rotation.
    for (std::int64_t i = 0; i < NOPE; ++i) q[th * HD + i] = round_to_bf16(head[i] * inv);
    for (std::int64_t i = 0; i < R; ++i) q_pe_normed[th * R + i] = head[NOPE + i] * inv;
  }
}

void q_rope_golden(const Config& cfg, const QkvInputsView& in, std::span<const float> q_pe_normed, std::vector<float>& q) {
  const auto T = cfg.tokens(), H = cfg.dims.heads, HD = cfg.dims.head_dim, R = cfg.dims.rope, NOPE = cfg.dims.nope();
  for (std::int64_t t = 0; t < T; ++t)
    for (std::int64_t h = 0; h < H; ++h) {
      const float* x = q_pe_normed.data() + (t * H + h) * R;
      float* y = q.data() + (t * H + h) * HD + NOPE;
      for (std::int64_t j = 0; j < R / 2; ++j) {
        const float even = x[2 * j], odd = x[2 * j + 1];
        const float c = f(in.rope_cos[t * R + j]), s = f(in.rope_sin[t * R + j]);
        y[2 * j] = round_to_bf16(even * c - odd * s);
        y[2 * j + 1] = round_to_bf16(even * s + odd * c);
      }
    }
}

std::vector<float> split_k_partials(const Config& cfg, std::span<const bf16> a, std::span<const bf16> w,
                                    std::int64_t k, std::int64_t n) {
  const auto T = cfg.tokens(), KS = cfg.tiles.k_split, k_len = k / KS;
  std::vector<float> out(static_cast<std::size_t>(KS * T * n), 0.0f);
  for (std::int64_t s = 0; s < KS; ++s)
    for (std::int64_t t = 0; t < T; ++t) {
      float* row = out.data() + (s * T + t) * n;
      for (std::int64_t kk = s * k_len; kk < (s + 1) * k_len; ++kk) {
        const float av = f(a[t * k + kk]);
        for (std::int64_t j = 0; j < n; ++j) row[j] += av * f(w[kk * n + j]);
      }
    }
  return out;
}

QkvGolden qkv_golden(const Config& cfg, const QkvInputsView& in) {
  const auto T = cfg.tokens(), D = cfg.dims.hidden, QL = cfg.dims.q_lora, HD = cfg.dims.head_dim, R = cfg.dims.rope;
  QkvGolden g;
  g.qr.resize(static_cast<std::size_t>(T * QL));
  g.qr_scale.resize(static_cast<std::size_t>(T));
  g.kv.resize(static_cast<std::size_t>(T * HD));
  std::vector<float> qr_lin(static_cast<std::size_t>(QL)), kv_lin(static_cast<std::size_t>(HD));
  for (std::int64_t t = 0; t < T; ++t) {
    // Q path steps 1-3.
    std::fill(qr_lin.begin(), qr_lin.end(), 0.0f);
    std::fill(kv_lin.begin(), kv_lin.end(), 0.0f);
    for (std::int64_t k = 0; k < D; ++k) {
      const float xv = f(in.x[t * D + k]);
      for (std::int64_t n = 0; n < QL; ++n) qr_lin[n] += xv * f(in.wq_a[k * QL + n]);
      for (std::int64_t n = 0; n < HD; ++n) kv_lin[n] += xv * f(in.wkv[k * HD + n]);
    }
    float ss = 0;
    for (float v : qr_lin) ss += v * v;
    const float inv = inv_sqrt(ss / static_cast<float>(QL) + cfg.dims.eps);
    std::vector<float> qr_n(static_cast<std::size_t>(QL));
    for (std::int64_t n = 0; n < QL; ++n) qr_n[n] = qr_lin[n] * inv * f(in.gamma_cq[n]);
    g.qr_scale[t] = golden_quantize_row(qr_n, std::span(g.qr).subspan(t * QL, QL));
    // KV path: RMSNorm with gamma, then interleaved RoPE on the last ROPE dims.
    float kss = 0;
    for (float v : kv_lin) kss += v * v;
    const float kinv = inv_sqrt(kss / static_cast<float>(HD) + cfg.dims.eps);
    std::vector<float> kv_n(static_cast<std::size_t>(HD));
    for (std::int64_t n = 0; n < HD; ++n) kv_n[n] = kv_lin[n] * kinv * f(in.gamma_ckv[n]);
    rope_interleaved(cfg, in.rope_cos.subspan(t * R, R), in.rope_sin.subspan(t * R, R), kv_n,
                     std::span(g.kv).subspan(t * HD, HD));
  }
  g.q = q_stages_from_qr(cfg, in, g.qr, g.qr_scale).q;
  return g;
}

}  // namespace tg::models::deepseek_v4
