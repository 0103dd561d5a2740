// The row loops of RowOps, compiled once per ISA (included only by row_ops_<isa>.cpp).
// Plain loops the compiler vectorizes with the TU's ISA flags. Rules that keep every path
// bit-identical: fp32 only, one rounding per written operation (the TU is built with
// -ffp-contract=off, so no FMA), reductions spelled out in 16 explicit lanes, no libm, and
// nothing with external linkage except the table (all helpers live in an anonymous namespace,
// so no inline function compiled for AVX-512 can be picked by the linker for another path).
#include <cstdint>

#include "kernels/detail/row_ops.hpp"

namespace tg::kernels::detail {
namespace {

constexpr int kLanes = 16;

inline std::uint32_t bits_of(float x) { return __builtin_bit_cast(std::uint32_t, x); }
inline float float_of(std::uint32_t u) { return __builtin_bit_cast(float, u); }
inline float max_of(float a, float b) { return a > b ? a : b; }
inline float min_of(float a, float b) { return a < b ? a : b; }
inline float abs_of(float x) { return float_of(bits_of(x) & 0x7fffffffu); }

// Round to an integer, half to even, for |x| < 2^22 (callers clamp first).
inline float rint_small(float x) {
  const float magic = 12582912.0f;  // 1.5 * 2^23: adding it leaves no fraction bits
  return (x + magic) - magic;
}

inline std::uint16_t to_bf16_rint(float x) {
  const std::uint32_t u = bits_of(x);
  const std::uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  const bool nan = (u & 0x7fffffffu) > 0x7f800000u;
  return static_cast<std::uint16_t>(nan ? ((u >> 16) | 0x40u) : rounded);
}

inline std::uint16_t to_bf16(float x, Rounding rounding) {
  const std::uint32_t u = bits_of(x);
  const bool nan = (u & 0x7fffffffu) > 0x7f800000u;
  std::uint32_t r;
  switch (rounding) {
    case Rounding::rint: r = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16; break;
    case Rounding::round: r = (u + 0x8000u) >> 16; break;  // sign-magnitude: ties go up in magnitude
    default: r = u >> 16; break;
  }
  return static_cast<std::uint16_t>(nan ? ((u >> 16) | 0x40u) : r);
}

inline float round_to_bf16(float x) { return float_of(static_cast<std::uint32_t>(to_bf16_rint(x)) << 16); }

inline float trunc_small(float x) { return static_cast<float>(static_cast<std::int32_t>(x)); }

inline std::int8_t to_int8(float x, Rounding rounding) {
  float c = x != x ? 0.0f : min_of(max_of(x, -127.0f), 127.0f);  // NaN -> 0; clamp (exact)
  float r;
  switch (rounding) {
    case Rounding::rint: r = rint_small(c); break;
    case Rounding::round: {
      const float t = trunc_small(c);
      const float frac = c - t;  // exact
      r = frac >= 0.5f ? t + 1.0f : (frac <= -0.5f ? t - 1.0f : t);
      break;
    }
    default: r = trunc_small(c); break;
  }
  return static_cast<std::int8_t>(static_cast<std::int32_t>(r));
}

// exp in fp32: n = rint(x / ln2), r = x - n*ln2 in two exact-ish steps (Cody-Waite), a
// degree-6 polynomial for e^r on |r| <= ln2/2, and 2^n applied as two exponent scalings
// (n = 128 would not fit one). Within 2 ulp of the true exp.
inline float exp_body(float x) {
  const float hi_limit = 88.7228394f;   // above: +inf
  const float lo_limit = -87.3365479f;  // below: 0 (result would be subnormal)
  const float xc = min_of(max_of(x, lo_limit), hi_limit);
  const float n = rint_small(xc * 1.44269502f);
  float r = xc - n * 0.693359375f;  // ln2 high part: 9 significant bits, so n*ln2_hi is exact
  r = r + n * 2.12194440e-4f;       // ln2 low part (ln2 = 0.693359375 - 2.12194440e-4)
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = (p * (r * r) + r) + 1.0f;
  const std::int32_t ni = static_cast<std::int32_t>(n);
  const std::int32_t n1 = ni / 2;
  const std::int32_t n2 = ni - n1;
  y = y * float_of(static_cast<std::uint32_t>(n1 + 127) << 23);
  y = y * float_of(static_cast<std::uint32_t>(n2 + 127) << 23);
  if (x > hi_limit) y = __builtin_inff();
  if (x < lo_limit) y = 0.0f;
  if (x != x) y = x;
  return y;
}

void bf16_to_fp32(const std::uint16_t* x, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = float_of(static_cast<std::uint32_t>(x[i]) << 16);
}

void fp32_to_bf16(const float* x, std::uint16_t* y, std::int64_t n, Rounding rounding) {
  switch (rounding) {  // one loop per mode so each vectorizes without a per-element switch
    case Rounding::rint:
      for (std::int64_t i = 0; i < n; ++i) y[i] = to_bf16(x[i], Rounding::rint);
      break;
    case Rounding::round:
      for (std::int64_t i = 0; i < n; ++i) y[i] = to_bf16(x[i], Rounding::round);
      break;
    case Rounding::trunc:
      for (std::int64_t i = 0; i < n; ++i) y[i] = to_bf16(x[i], Rounding::trunc);
      break;
  }
}

void fp32_to_int8(const float* x, std::int8_t* y, std::int64_t n, Rounding rounding) {
  switch (rounding) {
    case Rounding::rint:
      for (std::int64_t i = 0; i < n; ++i) y[i] = to_int8(x[i], Rounding::rint);
      break;
    case Rounding::round:
      for (std::int64_t i = 0; i < n; ++i) y[i] = to_int8(x[i], Rounding::round);
      break;
    case Rounding::trunc:
      for (std::int64_t i = 0; i < n; ++i) y[i] = to_int8(x[i], Rounding::trunc);
      break;
  }
}

void int32_to_fp32(const std::int32_t* x, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = static_cast<float>(x[i]);
}

// The 16 lanes combined as a tree: l += l+8, then +4, +2, +1.
inline float lane_tree(float* lanes) {
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int l = 0; l < w; ++l) lanes[l] = lanes[l] + lanes[l + w];
  return lanes[0];
}

float chunk_sum_squares(const float* x, std::int64_t n) {
  float lanes[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = lanes[l] + x[i + l] * x[i + l];
  for (int l = 0; i + l < n; ++l) lanes[l] = lanes[l] + x[i + l] * x[i + l];
  return lane_tree(lanes);
}

float sum_squares(const float* x, std::int64_t n, std::int64_t chunk_cols) {
  if (chunk_cols <= 0 || chunk_cols > n) chunk_cols = n;
  float total = 0.0f;
  for (std::int64_t c0 = 0; c0 < n; c0 += chunk_cols)
    total = total + chunk_sum_squares(x + c0, n - c0 < chunk_cols ? n - c0 : chunk_cols);
  return total;
}

float sum(const float* x, std::int64_t n) {
  float lanes[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = lanes[l] + x[i + l];
  for (int l = 0; i + l < n; ++l) lanes[l] = lanes[l] + x[i + l];
  return lane_tree(lanes);
}

// Max in 16 explicit lanes (a plain running max is not vectorized without fast-math).
float max(const float* x, std::int64_t n) {
  float lanes[kLanes];
  for (int l = 0; l < kLanes; ++l) lanes[l] = -__builtin_inff();
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = max_of(lanes[l], x[i + l]);
  for (int l = 0; i + l < n; ++l) lanes[l] = max_of(lanes[l], x[i + l]);
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int l = 0; l < w; ++l) lanes[l] = max_of(lanes[l], lanes[l + w]);
  return lanes[0];
}

float abs_max(const float* x, std::int64_t n) {
  float lanes[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = max_of(lanes[l], abs_of(x[i + l]));
  for (int l = 0; i + l < n; ++l) lanes[l] = max_of(lanes[l], abs_of(x[i + l]));
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int l = 0; l < w; ++l) lanes[l] = max_of(lanes[l], lanes[l + w]);
  return lanes[0];
}

void scale(const float* x, float a, float b, const float* col, float* y, std::int64_t n, bool round_operand,
           bool accumulate) {
  // Eight small loops rather than one with branches inside, so each vectorizes.
  auto run = [&](auto operand, auto col_factor, auto write) {
    for (std::int64_t i = 0; i < n; ++i) write(i, col_factor(i, (operand(x[i]) * a) * b));
  };
  auto plain = [](float v) { return v; };
  auto rounded = [](float v) { return round_to_bf16(v); };
  auto no_col = [](std::int64_t, float v) { return v; };
  auto with_col = [col](std::int64_t i, float v) { return v * col[i]; };
  auto store = [y](std::int64_t i, float v) { y[i] = v; };
  auto add = [y](std::int64_t i, float v) { y[i] = y[i] + v; };
  if (round_operand) {
    if (col) accumulate ? run(rounded, with_col, add) : run(rounded, with_col, store);
    else accumulate ? run(rounded, no_col, add) : run(rounded, no_col, store);
  } else {
    if (col) accumulate ? run(plain, with_col, add) : run(plain, with_col, store);
    else accumulate ? run(plain, no_col, add) : run(plain, no_col, store);
  }
}

void exp_sub(const float* x, float m, float* p, std::int64_t n, float masked_at_or_below) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float e = exp_body(x[i] - m);
    p[i] = x[i] <= masked_at_or_below ? 0.0f : e;
  }
}

void quantize(const float* x, float s, std::int8_t* q, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) q[i] = to_int8(x[i] * s, Rounding::rint);
}

// y must not alias the inputs (rope.cpp computes into a scratch row): with eight pointers
// that may alias, the compiler gives up on vectorizing.
void rope_half_split(const float* __restrict lo, const float* __restrict hi, const float* __restrict cos_lo,
                     const float* __restrict cos_hi, const float* __restrict sin_lo, const float* __restrict sin_hi,
                     float* __restrict y_lo, float* __restrict y_hi, std::int64_t half, bool inverse) {
  if (!inverse) {
    for (std::int64_t i = 0; i < half; ++i) {
      const float l = lo[i], h = hi[i];
      y_lo[i] = l * cos_lo[i] - h * sin_lo[i];
      y_hi[i] = h * cos_hi[i] + l * sin_hi[i];
    }
  } else {
    for (std::int64_t i = 0; i < half; ++i) {
      const float l = lo[i], h = hi[i];
      y_lo[i] = l * cos_lo[i] + h * sin_lo[i];
      y_hi[i] = h * cos_hi[i] - l * sin_hi[i];
    }
  }
}

void rope_interleaved(const float* __restrict x, const float* __restrict cos, const float* __restrict sin,
                      float* __restrict y, std::int64_t pairs, bool inverse) {
  if (!inverse) {
    for (std::int64_t j = 0; j < pairs; ++j) {
      const float e = x[2 * j], o = x[2 * j + 1], c = cos[j], s = sin[j];
      y[2 * j] = e * c - o * s;
      y[2 * j + 1] = e * s + o * c;
    }
  } else {
    for (std::int64_t j = 0; j < pairs; ++j) {
      const float e = x[2 * j], o = x[2 * j + 1], c = cos[j], s = sin[j];
      y[2 * j] = e * c + o * s;
      y[2 * j + 1] = o * c - e * s;
    }
  }
}

void axpby(float alpha, float* o, float beta, const float* x, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) o[i] = alpha * o[i] + beta * x[i];
}

void divide(const float* x, float d, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = x[i] / d;
}

float exp1(float x) { return exp_body(x); }

inline float widen_bf16(std::uint16_t bits) { return float_of(static_cast<std::uint32_t>(bits) << 16); }

float chunk_sum_squares_bf16(const std::uint16_t* x, std::int64_t n) {
  float lanes[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = lanes[l] + widen_bf16(x[i + l]) * widen_bf16(x[i + l]);
  for (int l = 0; i + l < n; ++l) lanes[l] = lanes[l] + widen_bf16(x[i + l]) * widen_bf16(x[i + l]);
  return lane_tree(lanes);
}

float sum_squares_bf16(const std::uint16_t* x, std::int64_t n, std::int64_t chunk_cols) {
  if (chunk_cols <= 0 || chunk_cols > n) chunk_cols = n;
  float total = 0.0f;
  for (std::int64_t c0 = 0; c0 < n; c0 += chunk_cols)
    total = total + chunk_sum_squares_bf16(x + c0, n - c0 < chunk_cols ? n - c0 : chunk_cols);
  return total;
}

void scale_bf16_to_bf16(const std::uint16_t* x, float inv, const float* col, std::uint16_t* y, std::int64_t n,
                        bool round_operand) {
  for (std::int64_t i = 0; i < n; ++i) {
    const float v = widen_bf16(x[i]);
    float t = ((round_operand ? round_to_bf16(v) : v) * 1.0f) * inv;
    if (col) t = t * col[i];
    y[i] = to_bf16_rint(t);
  }
}

RowOps make_row_ops() {
  RowOps ops{};
  ops.bf16_to_fp32 = bf16_to_fp32;
  ops.fp32_to_bf16 = fp32_to_bf16;
  ops.fp32_to_int8 = fp32_to_int8;
  ops.int32_to_fp32 = int32_to_fp32;
  ops.sum_squares = sum_squares;
  ops.sum = sum;
  ops.max = max;
  ops.abs_max = abs_max;
  ops.scale = scale;
  ops.exp_sub = exp_sub;
  ops.quantize = quantize;
  ops.rope_half_split = rope_half_split;
  ops.rope_interleaved = rope_interleaved;
  ops.axpby = axpby;
  ops.divide = divide;
  ops.exp1 = exp1;
  ops.sum_squares_bf16 = sum_squares_bf16;
  ops.scale_bf16_to_bf16 = scale_bf16_to_bf16;
  return ops;
}

}  // namespace
}  // namespace tg::kernels::detail
