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
// its low half shifted up the even one. A is split so once per call, each Bt row once per
// K chunk, and one split Bt run feeds 4 rows of A (8 accumulators, A as FMA memory
// operands). A bf16 product is exact in fp32, so each FMA rounds
// once like the portable lane + a * b (they differ only for a product below 2^-126 or an
// overflow, as on the row-major paths). A K tail is split from zero-padded copies: 0 * 0 adds
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

// A run split into fp32 lanes: [odd 0-7, even 0-7, odd 8-15, even 8-15], 32 floats.
constexpr std::int64_t kSplitRun = 32;

// Splits the runs of a bf16 row (zero-padded past k) into fp32 lanes, `runs` of them.
void split_row(const std::uint16_t* row, std::int64_t k, std::int64_t runs, float* out) {
  for (std::int64_t r = 0; r < runs; ++r) {
    const std::int64_t k0 = r * kRun;
    alignas(32) std::uint16_t padded[kRun];
    const std::uint16_t* src = row + k0;
    if (k0 + kRun > k) {  // the K tail: zeros past it
      std::memset(padded, 0, sizeof padded);
      std::memcpy(padded, row + k0, static_cast<std::size_t>(k - k0) * sizeof(std::uint16_t));
      src = padded;
    }
    const __m256i d0 = load8(src), d1 = load8(src + 16);
    float* o = out + r * kSplitRun;
    _mm256_store_ps(o, odd_of(d0));
    _mm256_store_ps(o + 8, even_of(d0));
    _mm256_store_ps(o + 16, odd_of(d1));
    _mm256_store_ps(o + 24, even_of(d1));
  }
}

// Lane sums of MR rows of A against one split Bt run chunk: state[r] = (lo, hi), continued.
template <int MR>
void rows_times_split_chunk(const float* a_split, std::int64_t a_stride, const float* b_split, std::int64_t runs,
                            float* state) {
  __m256 lo[MR], hi[MR];
  unroll<MR>([&](auto r) {
    lo[r] = _mm256_load_ps(state + r * 16);
    hi[r] = _mm256_load_ps(state + r * 16 + 8);
  });
  for (std::int64_t run = 0; run < runs; ++run) {
    const float* b = b_split + run * kSplitRun;
    const __m256 bo0 = _mm256_load_ps(b), be0 = _mm256_load_ps(b + 8), bo1 = _mm256_load_ps(b + 16),
                 be1 = _mm256_load_ps(b + 24);
    unroll<MR>([&](auto r) {
      const float* a = a_split + r * a_stride + run * kSplitRun;
      lo[r] = _mm256_fmadd_ps(_mm256_load_ps(a), bo0, lo[r]);
      lo[r] = _mm256_fmadd_ps(_mm256_load_ps(a + 8), be0, lo[r]);
      hi[r] = _mm256_fmadd_ps(_mm256_load_ps(a + 16), bo1, hi[r]);
      hi[r] = _mm256_fmadd_ps(_mm256_load_ps(a + 24), be1, hi[r]);
    });
  }
  unroll<MR>([&](auto r) {
    _mm256_store_ps(state + r * 16, lo[r]);
    _mm256_store_ps(state + r * 16 + 8, hi[r]);
  });
}

using SplitChunk = void (*)(const float*, std::int64_t, const float*, std::int64_t, float*);
constexpr SplitChunk kSplitChunks[] = {rows_times_split_chunk<1>, rows_times_split_chunk<2>, rows_times_split_chunk<3>,
                                       rows_times_split_chunk<4>};

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
  // K in chunks of 16 runs (512 elements) so a chunk of split A (<= 8 KB per 4 rows) stays
  // in L1 while a group of 16 Bt rows passes it; the lane sums carry over between chunks in
  // order (chunks start on run boundaries), so the order is the unchunked one.
  constexpr std::int64_t kChunkRuns = 16;
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* bt = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  const std::int64_t runs = (g.k + kRun - 1) / kRun, a_stride = runs * kSplitRun;
  float* a_split = scratch<float>(0, g.m * a_stride + kBtRows * kChunkRuns * kSplitRun + kBtRows * g.m * 16);
  float* b_split = a_split + g.m * a_stride;           // one Bt group's chunk, split
  float* state = b_split + kBtRows * kChunkRuns * kSplitRun;  // lanes of every (Bt row, A row)
  for (std::int64_t i = 0; i < g.m; ++i) split_row(a + i * g.lda, g.k, runs, a_split + i * a_stride);
  for (std::int64_t j0 = 0; j0 < g.n; j0 += kBtRows) {
    const std::int64_t nj = min_of(kBtRows, g.n - j0);
    std::memset(state, 0, static_cast<std::size_t>(nj * g.m * 16) * sizeof(float));
    for (std::int64_t run0 = 0; run0 < runs; run0 += kChunkRuns) {
      const std::int64_t chunk = min_of(kChunkRuns, runs - run0);
      for (std::int64_t j = 0; j < nj; ++j) {
        // Split this chunk of Bt row j (the tail of K zero-padded), then every row block.
        const std::uint16_t* row = bt + (j0 + j) * g.ldb + run0 * kRun;
        const std::int64_t k_left = g.k - run0 * kRun;
        split_row(row, k_left < chunk * kRun ? k_left : chunk * kRun, chunk, b_split);
        for (std::int64_t i0 = 0; i0 < g.m; i0 += kRowsT)
          kSplitChunks[min_of(kRowsT, g.m - i0) - 1](a_split + i0 * a_stride + run0 * kSplitRun, a_stride, b_split, chunk,
                                                     state + (j * g.m + i0) * 16);
      }
    }
    for (std::int64_t j = 0; j < nj; ++j)
      for (std::int64_t i = 0; i < g.m; ++i) {
        const float* lanes = state + (j * g.m + i) * 16;
        const float sum = reduce_lanes(_mm256_load_ps(lanes), _mm256_load_ps(lanes + 8));
        float* out = c + i * g.ldc + j0 + j;
        *out = g.accumulate ? *out + sum : sum;
      }
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
