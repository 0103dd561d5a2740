#include "models/deepseek_v3_2/golden.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/bf16.hpp"

namespace tg::models::deepseek_v3_2::golden {
namespace {

using std::int64_t;
using std::size_t;

float bf(double value) { return round_to_bf16(static_cast<float>(value)); }

// out[rows, n] = a[rows, k] @ w[k, n], fp64 accumulation. Columns in blocks of 256 so the
// accumulators stay in L1 while w streams once.
Tensor matmul(int64_t rows, int64_t k, int64_t n, const Tensor& a, const Tensor& w) {
  constexpr int64_t kColumnBlock = 256;
  Tensor out(static_cast<size_t>(rows * n));
  std::vector<double> acc(static_cast<size_t>(rows * kColumnBlock));
  for (int64_t j0 = 0; j0 < n; j0 += kColumnBlock) {
    const int64_t width = std::min(kColumnBlock, n - j0);
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t kk = 0; kk < k; ++kk) {
      const float* w_row = &w[static_cast<size_t>(kk * n + j0)];
      for (int64_t r = 0; r < rows; ++r) {
        const double x = a[static_cast<size_t>(r * k + kk)];
        double* acc_row = &acc[static_cast<size_t>(r * kColumnBlock)];
        for (int64_t j = 0; j < width; ++j) acc_row[j] += x * w_row[j];
      }
    }
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < width; ++j)
        out[static_cast<size_t>(r * n + j0 + j)] = static_cast<float>(acc[static_cast<size_t>(r * kColumnBlock + j)]);
  }
  return out;
}

// 1 / sqrt(mean of squares + eps) of row `r` of [rows, width] starting at column 0 of a
// tensor with `stride` columns.
double inverse_rms(const Tensor& x, int64_t r, int64_t width, int64_t stride, double eps) {
  double ss = 0;
  for (int64_t k = 0; k < width; ++k) {
    const double v = x[static_cast<size_t>(r * stride + k)];
    ss += v * v;
  }
  return 1.0 / std::sqrt(ss / static_cast<double>(width) + eps);
}

// Half-split RoPE of `r` values at `x` with the table rows at pos: lo' = lo cos - hi sin,
// hi' = hi cos + lo sin, each half with its own half of the table. Rounded to bf16.
void rotate_half(const float* x, float* out, int64_t r, const float* cos_row, const float* sin_row) {
  const int64_t half = r / 2;
  for (int64_t i = 0; i < half; ++i) {
    const double lo = x[i], hi = x[i + half];
    out[i] = bf(lo * cos_row[i] - hi * sin_row[i]);
    out[i + half] = bf(hi * cos_row[i + half] + lo * sin_row[i + half]);
  }
}

}  // namespace

Tensor input_rmsnorm(const Scope1Config& c, const Tensor& hidden_states, const Tensor& input_rms_weight) {
  Tensor out(hidden_states.size());
  for (int64_t b = 0; b < c.batch; ++b) {
    const double inv = inverse_rms(hidden_states, b, c.hidden, c.hidden, c.eps);
    for (int64_t k = 0; k < c.hidden; ++k) {
      const auto i = static_cast<size_t>(b * c.hidden + k);
      out[i] = bf(hidden_states[i] * inv * input_rms_weight[static_cast<size_t>(k)]);
    }
  }
  return out;
}

Tensor q_lora_proj(const Scope1Config& c, const Tensor& normed_states, const Tensor& wq_a) {
  return matmul(c.batch, c.hidden, c.q_lora_rank, normed_states, wq_a);
}

Tensor q_lora_rmsnorm(const Scope1Config& c, const Tensor& qr_fp32, const Tensor& q_norm_weight) {
  Tensor out(qr_fp32.size());
  for (int64_t b = 0; b < c.batch; ++b) {
    const double inv = inverse_rms(qr_fp32, b, c.q_lora_rank, c.q_lora_rank, c.eps);  // unrounded values
    for (int64_t k = 0; k < c.q_lora_rank; ++k) {
      const auto i = static_cast<size_t>(b * c.q_lora_rank + k);
      out[i] = bf(static_cast<double>(round_to_bf16(qr_fp32[i])) * inv * q_norm_weight[static_cast<size_t>(k)]);
    }
  }
  return out;
}

Tensor q_head_proj_fp32(const Scope1Config& c, const Tensor& qr_out, const Tensor& wq_b) {
  return matmul(c.batch, c.q_lora_rank, c.q_proj_cols(), qr_out, wq_b);
}

Tensor kv_a_proj_fp32(const Scope1Config& c, const Tensor& normed_states, const Tensor& wkv_a) {
  return matmul(c.batch, c.hidden, c.kv_a_out(), normed_states, wkv_a);
}

Tensor round_bf16(const Tensor& values) {
  Tensor out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = round_to_bf16(values[i]);
  return out;
}

Tensor q_rope(const Scope1Config& c, const Tensor& q_proj, const Positions& seq_lens, const Tensor& rope_cos,
              const Tensor& rope_sin) {
  Tensor out = q_proj;  // nope columns pass through unchanged
  const int64_t r = c.qk_rope_head_dim, cols = c.q_proj_cols();
  for (int64_t b = 0; b < c.batch; ++b) {
    const int64_t pos = seq_lens[static_cast<size_t>(b)] - 1;
    for (int64_t h = 0; h < c.num_heads; ++h) {
      const auto at = static_cast<size_t>(b * cols + h * c.qk_head_dim() + c.qk_nope_head_dim);
      rotate_half(&q_proj[at], &out[at], r, &rope_cos[static_cast<size_t>(pos * r)], &rope_sin[static_cast<size_t>(pos * r)]);
    }
  }
  return out;
}

Tensor kv_rmsnorm(const Scope1Config& c, const Tensor& kv_a_out, const Tensor& kv_norm_weight) {
  Tensor out(static_cast<size_t>(c.batch * c.kv_lora_rank));
  for (int64_t b = 0; b < c.batch; ++b) {
    const double inv = inverse_rms(kv_a_out, b, c.kv_lora_rank, c.kv_a_out(), c.eps);
    for (int64_t k = 0; k < c.kv_lora_rank; ++k)
      out[static_cast<size_t>(b * c.kv_lora_rank + k)] =
          bf(kv_a_out[static_cast<size_t>(b * c.kv_a_out() + k)] * inv * kv_norm_weight[static_cast<size_t>(k)]);
  }
  return out;
}

Caches decode_cache_write(const Scope1Config& c, const Tensor& kv_normed, const Tensor& kv_a_out,
                          const Positions& seq_lens, const Tensor& rope_cos, const Tensor& rope_sin, Caches caches) {
  const int64_t r = c.qk_rope_head_dim;
  for (int64_t b = 0; b < c.batch; ++b) {
    const int64_t pos = seq_lens[static_cast<size_t>(b)] - 1;
    const int64_t row = b * c.max_seq + pos;
    for (int64_t k = 0; k < c.kv_lora_rank; ++k)
      caches.kv_cache[static_cast<size_t>(row * c.kv_lora_rank + k)] = kv_normed[static_cast<size_t>(b * c.kv_lora_rank + k)];
    rotate_half(&kv_a_out[static_cast<size_t>(b * c.kv_a_out() + c.kv_lora_rank)], &caches.pe_cache[static_cast<size_t>(row * r)], r,
                &rope_cos[static_cast<size_t>(pos * r)], &rope_sin[static_cast<size_t>(pos * r)]);
  }
  return caches;
}

QSplit q_split(const Scope1Config& c, const Tensor& q_roped) {
  const int64_t n = c.qk_nope_head_dim, r = c.qk_rope_head_dim, q = c.qk_head_dim();
  QSplit out{Tensor(static_cast<size_t>(c.batch * c.num_heads * n)), Tensor(static_cast<size_t>(c.batch * c.num_heads * r))};
  for (int64_t b = 0; b < c.batch; ++b)
    for (int64_t h = 0; h < c.num_heads; ++h) {
      for (int64_t j = 0; j < n; ++j)
        out.q_nope_out[static_cast<size_t>(b * c.num_heads * n + h * n + j)] = q_roped[static_cast<size_t>(b * c.q_proj_cols() + h * q + j)];
      for (int64_t j = 0; j < r; ++j)
        out.q_pe_out[static_cast<size_t>(b * c.num_heads * r + h * r + j)] = q_roped[static_cast<size_t>(b * c.q_proj_cols() + h * q + n + j)];
    }
  return out;
}

std::vector<std::int64_t> written_cache_rows(const Scope1Config& c, const Positions& seq_lens) {
  std::vector<std::int64_t> rows;
  for (int64_t b = 0; b < c.batch; ++b) rows.push_back(b * c.max_seq + seq_lens[static_cast<size_t>(b)] - 1);
  return rows;
}

}  // namespace tg::models::deepseek_v3_2::golden
