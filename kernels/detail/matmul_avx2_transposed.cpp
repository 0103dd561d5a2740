// The AVX2 matmuls with transposed B (C = A @ Bt^T, Bt [N, K]: attention scores, the V4
// o_proj_a and o_proj_b).
// int8: exact, so any order: A widened to int16 once per call, each Bt row widened by
// vpmovsxbw in registers and multiplied by vpmaddwd against 4 rows of A (int32 pair sums,
// wrapping modulo 2^32 like the scalar path).
// bf16, in the documented transposed order (matmul.hpp): per C element 16 lane sums,
// lane l taking the pairs (32j+2l, 32j+2l+1), odd element then even; lanes combined as a
// tree (l + l^8, +4, +2, +1); then C + sum when accumulating.
// Two ymm of 8 fp32 lanes hold the 16 lane sums: the 16 dwords of a 32-element run of a row
// are exactly the pairs of lanes 0-15, so a dword's high half widened is the odd element and
// its low half shifted up the even one, in registers. One Bt row is split once per run and
// reused by 4 rows of A (8 accumulators). A bf16 product is exact in fp32, so each FMA rounds
// once like the portable lane + a * b (they differ only for a product below 2^-126 or an
// overflow, as on the row-major paths). A K tail reads through zero-padded copies: 0 * 0 adds
// +0 to a lane, which leaves it unchanged (a lane that starts at +0 never becomes -0).
// Cost: O(M*N*K); each Bt row read once per call, A from L1/L2 once per Bt row (int8: A
// widened once per call).
#include <cstring>

#include "kernels/detail/matmul_avx2_common.hpp"

namespace tg::kernels::detail {
namespace {

constexpr int kRowsT = 4;           // rows of A per Bt row pass
constexpr std::int64_t kRun = 32;   // elements per lane step: 16 lanes x one pair

inline __m256 odd_of(__m256i dwords) { return _mm256_castsi256_ps(_mm256_and_si256(dwords, _mm256_set1_epi32(-65536))); }
inline __m256 even_of(__m256i dwords) { return _mm256_castsi256_ps(_mm256_slli_epi32(dwords, 16)); }
inline __m256i load8(const std::uint16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// The tree of the 16 lanes (lo: 0-7, hi: 8-15) in the documented order.
inline float reduce_lanes(__m256 lo, __m256 hi) {
  const __m256 l8 = _mm256_add_ps(lo, hi);                                                     // l + l^8
  const __m128 l4 = _mm_add_ps(_mm256_castps256_ps128(l8), _mm256_extractf128_ps(l8, 1));    // + 4
  const __m128 l2 = _mm_add_ps(l4, _mm_movehl_ps(l4, l4));                                    // + 2
  const __m128 l1 = _mm_add_ss(l2, _mm_shuffle_ps(l2, l2, 1));                                // + 1
  return _mm_cvtss_f32(l1);
}

// C[i0 + r, j] for r < MR: one Bt row against MR rows of A, K = full runs + a padded tail.
template <int MR>
void rows_times_bt_row(const std::uint16_t* const* a_rows, const std::uint16_t* bt_row, std::int64_t k,
                       const std::uint16_t (*a_tail)[kRun], float* const* c, bool accumulate) {
  __m256 lo[MR], hi[MR];
  unroll<MR>([&](auto r) { lo[r] = hi[r] = _mm256_setzero_ps(); });
  const std::int64_t full = k / kRun * kRun;
  auto step = [&](const std::uint16_t* b, auto&& a_at) {
    const __m256i b0 = load8(b), b1 = load8(b + 16);
    const __m256 bo0 = odd_of(b0), be0 = even_of(b0), bo1 = odd_of(b1), be1 = even_of(b1);
    unroll<MR>([&](auto r) {
      const __m256i a0 = load8(a_at(r)), a1 = load8(a_at(r) + 16);
      lo[r] = _mm256_fmadd_ps(odd_of(a0), bo0, lo[r]);
      lo[r] = _mm256_fmadd_ps(even_of(a0), be0, lo[r]);
      hi[r] = _mm256_fmadd_ps(odd_of(a1), bo1, hi[r]);
      hi[r] = _mm256_fmadd_ps(even_of(a1), be1, hi[r]);
    });
  };
  for (std::int64_t k0 = 0; k0 < full; k0 += kRun) step(bt_row + k0, [&](int r) { return a_rows[r] + k0; });
  if (full < k) {
    alignas(32) std::uint16_t b_tail[kRun] = {};
    std::memcpy(b_tail, bt_row + full, static_cast<std::size_t>(k - full) * sizeof(std::uint16_t));
    step(b_tail, [&](int r) { return a_tail[r]; });
  }
  unroll<MR>([&](auto r) {
    const float sum = reduce_lanes(lo[r], hi[r]);
    *c[r] = accumulate ? *c[r] + sum : sum;
  });
}

template <int MR>
void row_block(const MatmulArgs& g, std::int64_t i0) {
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* bt = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  const std::uint16_t* a_rows[MR];
  alignas(32) std::uint16_t a_tail[MR][kRun] = {};
  const std::int64_t full = g.k / kRun * kRun;
  unroll<MR>([&](auto r) {
    a_rows[r] = a + (i0 + r) * g.lda;
    std::memcpy(a_tail[r], a_rows[r] + full, static_cast<std::size_t>(g.k - full) * sizeof(std::uint16_t));
  });
  float* c_at[MR];
  for (std::int64_t j = 0; j < g.n; ++j) {
    unroll<MR>([&](auto r) { c_at[r] = c + (i0 + r) * g.ldc + j; });
    rows_times_bt_row<MR>(a_rows, bt + j * g.ldb, g.k, a_tail, c_at, g.accumulate);
  }
}

using RowBlock = void (*)(const MatmulArgs&, std::int64_t);
constexpr RowBlock kRowBlocks[] = {row_block<1>, row_block<2>, row_block<3>, row_block<4>};

// ---- int8 --------------------------------------------------------------------------------
constexpr std::int64_t kInt8Run = 16;  // int8 elements per vpmaddwd step

inline std::uint32_t sum_lanes(__m256i v) {
  const __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i s2 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4e));
  return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_add_epi32(s2, _mm_shuffle_epi32(s2, 0xb1))));
}

// C[i0 + r, j] for r < MR over K padded to whole runs; a16: A rows widened, `k_runs` runs each.
template <int MR>
void int8_rows_times_bt_row(const std::int16_t* a16, std::int64_t a_stride, const std::int8_t* bt_row, std::int64_t k,
                            std::int32_t* const* c, bool accumulate) {
  __m256i acc[MR];
  unroll<MR>([&](auto r) { acc[r] = _mm256_setzero_si256(); });
  const std::int64_t full = k / kInt8Run * kInt8Run;
  auto step = [&](const std::int8_t* b, std::int64_t k0) {
    const __m256i b16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)));
    unroll<MR>([&](auto r) {
      const __m256i a = _mm256_load_si256(reinterpret_cast<const __m256i*>(a16 + r * a_stride + k0));
      acc[r] = _mm256_add_epi32(acc[r], _mm256_madd_epi16(a, b16));
    });
  };
  for (std::int64_t k0 = 0; k0 < full; k0 += kInt8Run) step(bt_row + k0, k0);
  if (full < k) {
    alignas(16) std::int8_t tail[kInt8Run] = {};
    std::memcpy(tail, bt_row + full, static_cast<std::size_t>(k - full));
    step(tail, full);
  }
  unroll<MR>([&](auto r) {
    const std::uint32_t sum = sum_lanes(acc[r]);
    *c[r] = static_cast<std::int32_t>(accumulate ? static_cast<std::uint32_t>(*c[r]) + sum : sum);
  });
}

template <int MR>
void int8_row_block(const MatmulArgs& g, const std::int16_t* a16, std::int64_t a_stride, std::int64_t i0) {
  const auto* bt = static_cast<const std::int8_t*>(g.b);
  auto* c = static_cast<std::int32_t*>(g.c);
  std::int32_t* c_at[MR];
  for (std::int64_t j = 0; j < g.n; ++j) {
    unroll<MR>([&](auto r) { c_at[r] = c + (i0 + r) * g.ldc + j; });
    int8_rows_times_bt_row<MR>(a16 + i0 * a_stride, a_stride, bt + j * g.ldb, g.k, c_at, g.accumulate);
  }
}

using Int8RowBlock = void (*)(const MatmulArgs&, const std::int16_t*, std::int64_t, std::int64_t);
constexpr Int8RowBlock kInt8RowBlocks[] = {int8_row_block<1>, int8_row_block<2>, int8_row_block<3>, int8_row_block<4>};

// Bt rows outermost would re-read A per row block; A blocks of 4 rows outermost re-read Bt
// per block, which for the decode shapes (M <= 16, Bt of MBs) means DRAM: so for each group
// of Bt rows (<= 128 KB at K <= 4096 bf16: stays in L2), every row block, A kept hot.
constexpr std::int64_t kBtRows = 16;

}  // namespace

void matmul_bf16_transposed_avx2(const MatmulArgs& g) {
  for (std::int64_t j0 = 0; j0 < g.n; j0 += kBtRows) {
    MatmulArgs part = g;
    part.b = static_cast<const std::uint16_t*>(g.b) + j0 * g.ldb;
    part.c = static_cast<float*>(g.c) + j0;
    part.n = min_of(kBtRows, g.n - j0);
    for (std::int64_t i0 = 0; i0 < g.m; i0 += kRowsT) kRowBlocks[min_of(kRowsT, g.m - i0) - 1](part, i0);
  }
}

void matmul_int8_transposed_avx2(const MatmulArgs& g) {
  // A widened once: rows padded to whole runs with zeros (they add 0 * 0).
  const std::int64_t a_stride = (g.k + kInt8Run - 1) / kInt8Run * kInt8Run;
  std::int16_t* a16 = scratch<std::int16_t>(1, g.m * a_stride);
  const auto* a = static_cast<const std::int8_t*>(g.a);
  for (std::int64_t i = 0; i < g.m; ++i) {
    std::int16_t* row = a16 + i * a_stride;
    for (std::int64_t kk = 0; kk < a_stride; ++kk) row[kk] = kk < g.k ? a[i * g.lda + kk] : 0;
  }
  for (std::int64_t j0 = 0; j0 < g.n; j0 += kBtRows) {
    MatmulArgs part = g;
    part.b = static_cast<const std::int8_t*>(g.b) + j0 * g.ldb;
    part.c = static_cast<std::int32_t*>(g.c) + j0;
    part.n = min_of(kBtRows, g.n - j0);
    for (std::int64_t i0 = 0; i0 < g.m; i0 += kRowsT) kInt8RowBlocks[min_of(kRowsT, g.m - i0) - 1](part, a16, a_stride, i0);
  }
}

}  // namespace tg::kernels::detail
