// RowOps compiled for the avx2 path (ISA flags set per file in kernels/CMakeLists.txt), with
// the loops GCC 12 does not vectorize (or not well) from the shared body written out with
// intrinsics:
// exp_sub (the exp's int conversions and selects), quantize (the narrowing to int8) and
// abs_max (-fopt-info-vec names none of them; callgrind: abs_max 4.5 instructions per
// element), the fused bf16 rmsnorm passes and the interleaved RoPE. They perform the body's fp32 operations one by one, in its order (mul and add
// apart, no FMA, the same 16 lanes and tree), so the bits are the scalar path's; tails use
// the body's own functions.
#include <immintrin.h>

#include "kernels/detail/row_ops_body.hpp"

namespace tg::kernels::detail {
namespace {

// exp_body of 8 values (row_ops_body.hpp), operation for operation.
inline __m256 exp8(__m256 x) {
  const __m256 hi_limit = _mm256_set1_ps(88.7228394f), lo_limit = _mm256_set1_ps(-87.3365479f);
  const __m256 magic = _mm256_set1_ps(12582912.0f);
  // max_of(x, lo) = x > lo ? x : lo: maxps returns its second operand for a NaN x, as that does.
  const __m256 xc = _mm256_min_ps(_mm256_max_ps(x, lo_limit), hi_limit);
  const __m256 n = _mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(xc, _mm256_set1_ps(1.44269502f)), magic), magic);
  __m256 r = _mm256_sub_ps(xc, _mm256_mul_ps(n, _mm256_set1_ps(0.693359375f)));
  r = _mm256_add_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(2.12194440e-4f)));
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(5.0000001201e-1f));
  __m256 y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), _mm256_set1_ps(1.0f));
  const __m256i ni = _mm256_cvtps_epi32(n);  // n is an integer: exact
  const __m256i n1 = _mm256_srai_epi32(_mm256_add_epi32(ni, _mm256_srli_epi32(ni, 31)), 1);  // ni / 2 (C)
  const __m256i n2 = _mm256_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  y = _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23)));
  y = _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23)));
  y = _mm256_blendv_ps(y, _mm256_set1_ps(__builtin_inff()), _mm256_cmp_ps(x, hi_limit, _CMP_GT_OQ));
  y = _mm256_blendv_ps(y, _mm256_setzero_ps(), _mm256_cmp_ps(x, lo_limit, _CMP_LT_OQ));
  return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

void exp_sub_avx2(const float* x, float m, float* p, std::int64_t n, float masked_at_or_below) {
  const __m256 mv = _mm256_set1_ps(m), masked = _mm256_set1_ps(masked_at_or_below);
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 xv = _mm256_loadu_ps(x + i);
    const __m256 e = exp8(_mm256_sub_ps(xv, mv));
    _mm256_storeu_ps(p + i, _mm256_blendv_ps(e, _mm256_setzero_ps(), _mm256_cmp_ps(xv, masked, _CMP_LE_OQ)));
  }
  if (i < n) exp_sub(x + i, m, p + i, n - i, masked_at_or_below);
}

// to_int8(x * s, rint) of 8 values: NaN -> 0, clamp to +-127, rint by the 1.5 * 2^23 trick.
inline __m256i quantize8(__m256 x, __m256 s) {
  const __m256 v = _mm256_mul_ps(x, s);
  const __m256 c0 = _mm256_andnot_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q), v);
  const __m256 c = _mm256_min_ps(_mm256_max_ps(c0, _mm256_set1_ps(-127.0f)), _mm256_set1_ps(127.0f));
  const __m256 magic = _mm256_set1_ps(12582912.0f);
  return _mm256_cvttps_epi32(_mm256_sub_ps(_mm256_add_ps(c, magic), magic));
}

void quantize_avx2(const float* x, float s, std::int8_t* q, std::int64_t n) {
  const __m256 sv = _mm256_set1_ps(s);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);  // undo the packs' lane interleave
  std::int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = quantize8(_mm256_loadu_ps(x + i), sv), b = quantize8(_mm256_loadu_ps(x + i + 8), sv);
    const __m256i c = quantize8(_mm256_loadu_ps(x + i + 16), sv), d = quantize8(_mm256_loadu_ps(x + i + 24), sv);
    const __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + i), _mm256_permutevar8x32_epi32(packed, order));
  }
  if (i < n) quantize(x + i, s, q + i, n - i);
}

// abs_max in the body's 16 lanes: maxps(a, b) is a > b ? a : b, the body's max_of.
float abs_max_avx2(const float* x, std::int64_t n) {
  const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();  // lanes 0-7, 8-15
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    lo = _mm256_max_ps(lo, _mm256_and_ps(_mm256_loadu_ps(x + i), magnitude));
    hi = _mm256_max_ps(hi, _mm256_and_ps(_mm256_loadu_ps(x + i + 8), magnitude));
  }
  float lanes[kLanes];
  _mm256_storeu_ps(lanes, lo);
  _mm256_storeu_ps(lanes + 8, hi);
  for (int l = 0; i + l < n; ++l) lanes[l] = max_of(lanes[l], abs_of(x[i + l]));
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int l = 0; l < w; ++l) lanes[l] = max_of(lanes[l], lanes[l + w]);
  return lanes[0];
}

// to_bf16_rint of 8 values, as 32-bit lanes holding the 16-bit results.
inline __m256i to_bf16_rint8(__m256 v) {
  const __m256i u = _mm256_castps_si256(v);
  const __m256i high = _mm256_srli_epi32(u, 16);
  const __m256i rounded =
      _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(u, _mm256_set1_epi32(0x7fff)),
                                         _mm256_and_si256(high, _mm256_set1_epi32(1))), 16);
  const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, _mm256_set1_epi32(0x7fffffff)), _mm256_set1_epi32(0x7f800000));
  return _mm256_blendv_epi8(rounded, _mm256_or_si256(high, _mm256_set1_epi32(0x40)), nan);
}

inline void widen16(const std::uint16_t* p, __m256& lo, __m256& hi) {
  const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  lo = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(v)), 16));
  hi = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm256_extracti128_si256(v, 1)), 16));
}

// chunk_sum_squares_bf16 in the body's 16 lanes (lanes 0-7 and 8-15 in two ymm).
float chunk_sum_squares_bf16_avx2(const std::uint16_t* x, std::int64_t n) {
  __m256 lo_acc = _mm256_setzero_ps(), hi_acc = _mm256_setzero_ps();
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    __m256 lo, hi;
    widen16(x + i, lo, hi);
    lo_acc = _mm256_add_ps(lo_acc, _mm256_mul_ps(lo, lo));
    hi_acc = _mm256_add_ps(hi_acc, _mm256_mul_ps(hi, hi));
  }
  float lanes[kLanes];
  _mm256_storeu_ps(lanes, lo_acc);
  _mm256_storeu_ps(lanes + 8, hi_acc);
  for (int l = 0; i + l < n; ++l) lanes[l] = lanes[l] + widen_bf16(x[i + l]) * widen_bf16(x[i + l]);
  return lane_tree(lanes);
}

float sum_squares_bf16_avx2(const std::uint16_t* x, std::int64_t n, std::int64_t chunk_cols) {
  if (chunk_cols <= 0 || chunk_cols > n) chunk_cols = n;
  float total = 0.0f;
  for (std::int64_t c0 = 0; c0 < n; c0 += chunk_cols)
    total = total + chunk_sum_squares_bf16_avx2(x + c0, n - c0 < chunk_cols ? n - c0 : chunk_cols);
  return total;
}

void scale_bf16_to_bf16_avx2(const std::uint16_t* x, float inv, const float* col, std::uint16_t* y, std::int64_t n,
                             bool round_operand) {
  const __m256 one = _mm256_set1_ps(1.0f), inv_v = _mm256_set1_ps(inv);
  std::int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 v[2];
    widen16(x + i, v[0], v[1]);
    __m256i out[2];
    for (int h = 0; h < 2; ++h) {
      if (round_operand) v[h] = _mm256_castsi256_ps(_mm256_slli_epi32(to_bf16_rint8(v[h]), 16));
      __m256 t = _mm256_mul_ps(_mm256_mul_ps(v[h], one), inv_v);
      if (col) t = _mm256_mul_ps(t, _mm256_loadu_ps(col + i + 8 * h));
      out[h] = to_bf16_rint8(t);
    }
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(out[0], out[1]), 0xd8);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), packed);
  }
  if (i < n) scale_bf16_to_bf16(x + i, inv, col ? col + i : nullptr, y + i, n - i, round_operand);
}

// Interleaved RoPE (rope.hpp), 4 pairs per step: a = x * (c, c), b = swap(x) * (s, s), then
// forward y = (a_even - b_even, a_odd + b_odd) = addsub(a, b) and inverse y = (a + b, a - b)
// = addsub(a, -b): the body's products and sums one by one (a negated product is exact).
// GCC 12 left the body's stride-2 loop scalar (0.2 of STREAM on a 16384 x 64 tile).
void rope_interleaved_avx2(const float* x, const float* cos, const float* sin, float* y, std::int64_t pairs, bool inverse) {
  const __m256i dup = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
  const __m256 sign = _mm256_set1_ps(inverse ? -0.0f : 0.0f);
  std::int64_t j = 0;
  for (; j + 4 <= pairs; j += 4) {
    const __m256 v = _mm256_loadu_ps(x + 2 * j);
    const __m256 c = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(cos + j)), dup);
    const __m256 s = _mm256_permutevar8x32_ps(_mm256_castps128_ps256(_mm_loadu_ps(sin + j)), dup);
    const __m256 a = _mm256_mul_ps(v, c);
    const __m256 b = _mm256_xor_ps(_mm256_mul_ps(_mm256_permute_ps(v, 0xb1), s), sign);
    _mm256_storeu_ps(y + 2 * j, _mm256_addsub_ps(a, b));
  }
  if (j < pairs) rope_interleaved(x + 2 * j, cos + j, sin + j, y + 2 * j, pairs - j, inverse);
}

}  // namespace

const RowOps& row_ops_avx2() {
  static const RowOps ops = [] {
    RowOps o = make_row_ops();
    o.exp_sub = exp_sub_avx2;
    o.quantize = quantize_avx2;
    o.abs_max = abs_max_avx2;
    o.sum_squares_bf16 = sum_squares_bf16_avx2;
    o.scale_bf16_to_bf16 = scale_bf16_to_bf16_avx2;
    o.rope_interleaved = rope_interleaved_avx2;
    return o;
  }();
  return ops;
}

}  // namespace tg::kernels::detail
