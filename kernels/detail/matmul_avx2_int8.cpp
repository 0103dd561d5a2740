// The AVX2 int8 matmul (AVX2, 16 ymm registers), row-major B: a 6 x 16 tile of vpmaddwd +
// vpaddd (12 int32 accumulators, 2 B vectors, 1 A broadcast, 1 product) over B as byte pairs
// (B[2p, n], B[2p+1, n]) per column, widened to int16 pairs by vpmovsxbw in registers; on a
// view each 256-row K chunk of a 16-column tile is interleaved into that layout first, packed
// weights (PackedWeights) are stored in it. Exact for every int8 input (vpmaddubsw would
// saturate its int16 pair sums at -128 * -128 * 2); sums wrap modulo 2^32 like the scalar path.
// Transposed B: matmul_avx2_transposed_int8.cpp (a 4 x 2 vpmaddwd tile, Bt widened in registers).
// Cost: O(M*N*K); B read once per call, A packed once per call (views: once per K chunk).
#include "kernels/detail/matmul_avx2_common.hpp"

namespace tg::kernels::detail {
namespace {

constexpr std::int64_t kPackedRowSpan = 64;  // at most about this many rows of A per span (bf16 file: why)

// ---- int8 --------------------------------------------------------------------------------
// B (packed, or a view's K chunk interleaved into an L1 panel): per k-pair p, 16 columns of
// byte pairs (B[2p, n], B[2p+1, n]) (an odd K pairs its last row with 0), widened to int16
// pairs by vpmovsxbw in the tile. A: per k-pair and row, the int16 pair (A[r, 2p], A[r, 2p+1]).
constexpr int kInt8Rows = 6;
constexpr int kInt8Vectors = 2;                 // 6 x 16 tile: 12 accumulators + 2 B + 1 A + 1 product
// (6 rows measured 3% faster than 4 on every shape: fewer vpmovsxbw per multiply-add; the
// int32 chains are one vpaddd deep, so a 2-row tail is not latency-bound)
constexpr int kInt8Cols = 8 * kInt8Vectors;
constexpr std::int64_t kInt8KChunk = 256;       // 128 pairs x 16 columns x 2 bytes = 4 KB; 64-1024 measured
static_assert(kInt8Cols == kPackedColsInt8);

// Interleaves kc rows of a 16-column int8 B tile into byte pairs (B[k, n], B[k+1, n]) per
// column and k-pair (an odd kc pairs its last row with 0): the packed layout, so the view
// form shares tile_int8_packed. Prefetches the next tile's rows on the way.
void pair_b_int8(const std::int8_t* b, std::int64_t ldb, std::int64_t kc, int nb, const std::int8_t* next,
                 std::int8_t* panel) {
  for (std::int64_t kk = 0; kk < kc; kk += 2) {
    const std::int8_t* r0 = b + kk * ldb;
    const std::int8_t* r1 = kk + 1 < kc ? r0 + ldb : nullptr;
    if (next) {
      _mm_prefetch(reinterpret_cast<const char*>(next + kk * ldb), _MM_HINT_T0);
      if (r1) _mm_prefetch(reinterpret_cast<const char*>(next + (kk + 1) * ldb), _MM_HINT_T0);
    }
    std::int8_t* out = panel + kk * kInt8Cols;  // 32 bytes per k-pair
    if (nb == kInt8Cols && r1) {
      const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0));
      const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r1));
      _mm_store_si128(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi8(lo, hi));
      _mm_store_si128(reinterpret_cast<__m128i*>(out + 16), _mm_unpackhi_epi8(lo, hi));
    } else {
      for (int j = 0; j < kInt8Cols; ++j) {
        out[2 * j] = j < nb ? r0[j] : 0;
        out[2 * j + 1] = (j < nb && r1) ? r1[j] : 0;
      }
    }
  }
}

void pack_a_int8(const std::int8_t* a, std::int64_t lda, std::int64_t m, std::int64_t kc, std::int32_t* a_pack) {
  const std::int64_t pairs = (kc + 1) / 2, full_pairs = kc / 2;
  for (std::int64_t m0 = 0; m0 < m; m0 += kInt8Rows) {
    std::int32_t* block = a_pack + (m0 / kInt8Rows) * pairs * kInt8Rows;
    const std::int64_t mr = min_of(kInt8Rows, m - m0);
    for (std::int64_t r = 0; r < kInt8Rows; ++r) {
      std::int32_t* out = block + r;
      if (r >= mr) {  // rows past M: zero pairs
        for (std::int64_t p = 0; p < pairs; ++p) out[p * kInt8Rows] = 0;
        continue;
      }
      const std::int8_t* row = a + (m0 + r) * lda;
      std::int64_t p = 0;
      // 8 pairs at a time: 16 bytes widened to 8 dwords of int16 pairs, scattered to stride 6.
      for (; p + 8 <= full_pairs; p += 8) {
        alignas(32) std::int32_t w[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(w),
                           _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * p))));
        unroll<8>([&](auto j) { out[(p + j) * kInt8Rows] = w[j]; });
      }
      for (; p < pairs; ++p) {
        std::uint32_t v = static_cast<std::uint16_t>(static_cast<std::int16_t>(row[2 * p]));
        if (2 * p + 1 < kc) v |= static_cast<std::uint32_t>(static_cast<std::uint16_t>(row[2 * p + 1])) << 16;
        out[p * kInt8Rows] = static_cast<std::int32_t>(v);
      }
    }
  }
}

// Packed int8 B: per tile and k-pair 32 bytes, (B[2p, n], B[2p+1, n]) per column, so one
// vpmovsxbw per 8 columns gives the int16 pairs vpmaddwd takes, in registers, as B streams.
constexpr std::int64_t kInt8PairChunk = 256;  // k-pairs per C reload: 8 KB of packed B

template <int MR>
void tile_int8_packed(const std::int32_t* a_block, const std::int8_t* pairs, std::int64_t count, std::int32_t* c,
                      std::int64_t ldc, int nb, bool load_c) {
  __m256i acc[MR][kInt8Vectors];
  const bool full = nb == kInt8Cols;
  unroll<MR>([&](auto r) {
    unroll<kInt8Vectors>([&](auto j) {
      int* p = reinterpret_cast<int*>(c + r * ldc + 8 * j);
      if (!load_c) acc[r][j] = _mm256_setzero_si256();
      else if (full) acc[r][j] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      else acc[r][j] = _mm256_maskload_epi32(p, lane_mask(nb - 8 * j));
    });
  });
  for (std::int64_t p = 0; p < count; ++p) {
    const __m128i* v = reinterpret_cast<const __m128i*>(pairs + p * 2 * kInt8Cols);
    // One pair chunk (8 KB) ahead, as the bf16 pair kernel does: the 2nd and 3rd row blocks
    // of an M 16 chunk read it from L1 and their prefetches bring the next chunk for the 1st,
    // which had ~140 ns of lead at 2 KB. Against 2 KB (shared Zen 3, 6 alternating runs, two
    // sets): M 16 x K 1536 x N 1536 94.6 -> 112.4 and 110.3 -> 124.4 Gop/s median, M 16 x
    // K 7168 x N 1536 +1-3%, M 8 x K 1024 x N 32768 and 1024^3 within the noise (+-5%).
    // (2 KB had beaten 512 B-4 KB at M 8 x K 1024 x N 32768, 96 -> 127 against none.)
    _mm_prefetch(reinterpret_cast<const char*>(v) + kInt8PairChunk * 2 * kInt8Cols, _MM_HINT_T0);
    const __m256i b0 = _mm256_cvtepi8_epi16(_mm_load_si128(v)), b1 = _mm256_cvtepi8_epi16(_mm_load_si128(v + 1));
    unroll<MR>([&](auto r) {
      const __m256i av = _mm256_set1_epi32(a_block[p * kInt8Rows + r]);
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(av, b0));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(av, b1));
    });
  }
  unroll<MR>([&](auto r) {
    unroll<kInt8Vectors>([&](auto j) {
      int* p = reinterpret_cast<int*>(c + r * ldc + 8 * j);
      if (full) _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), acc[r][j]);
      else _mm256_maskstore_epi32(p, lane_mask(nb - 8 * j), acc[r][j]);
    });
  });
}

using Int8PackedTile = void (*)(const std::int32_t*, const std::int8_t*, std::int64_t, std::int32_t*, std::int64_t,
                                int, bool);
constexpr Int8PackedTile kInt8PackedTiles[] = {tile_int8_packed<1>, tile_int8_packed<2>, tile_int8_packed<3>,
                                               tile_int8_packed<4>, tile_int8_packed<5>, tile_int8_packed<6>};

void int8_row_major_tiled(const MatmulArgs& g) {
  const auto* a = static_cast<const std::int8_t*>(g.a);
  const auto* b = static_cast<const std::int8_t*>(g.b);
  auto* c = static_cast<std::int32_t*>(g.c);
  const std::int64_t row_blocks = (g.m + kInt8Rows - 1) / kInt8Rows;
  alignas(32) static thread_local std::int8_t panel[kInt8KChunk * kInt8Cols];
  std::int32_t* a_pack = scratch<std::int32_t>(1, row_blocks * kInt8Rows * (kInt8KChunk / 2));
  for (std::int64_t k0 = 0; k0 < g.k; k0 += kInt8KChunk) {
    const std::int64_t kc = min_of(kInt8KChunk, g.k - k0), pairs = (kc + 1) / 2;
    const bool load_c = g.accumulate || k0 > 0;
    pack_a_int8(a + k0, g.lda, g.m, kc, a_pack);
    for (std::int64_t n0 = 0; n0 < g.n; n0 += kInt8Cols) {
      const int nb = static_cast<int>(min_of(kInt8Cols, g.n - n0));
      const std::int8_t* tile_b = b + k0 * g.ldb + n0;
      // Prefetch a cache line ahead (4 tiles): the next tile's 16 bytes per row mostly share
      // this tile's line. Measured 1, 4, 8, 16 tiles ahead: 4 best (M128 K1024 N32768 98 ->
      // 110 Gop/s, M16 K1536 N1536 92 -> 102).
      const std::int64_t ahead = 64 / kInt8Cols * kInt8Cols;
      pair_b_int8(tile_b, g.ldb, kc, nb, n0 + ahead < g.n ? tile_b + ahead : nullptr, panel);
      for (std::int64_t m0 = 0; m0 < g.m; m0 += kInt8Rows) {
        const int mr = static_cast<int>(min_of(kInt8Rows, g.m - m0));
        kInt8PackedTiles[mr - 1](a_pack + (m0 / kInt8Rows) * pairs * kInt8Rows, panel, pairs, c + m0 * g.ldc + n0,
                                 g.ldc, nb, load_c);
      }
    }
  }
}

// The order of bf16_row_major_packed: row spans, tiles, pair chunks, row blocks; A packed once.
void int8_row_major_packed(const MatmulArgs& g) {
  const auto* a = static_cast<const std::int8_t*>(g.a);
  const auto* b = static_cast<const std::int8_t*>(g.b);
  auto* c = static_cast<std::int32_t*>(g.c);
  const std::int64_t row_blocks = (g.m + kInt8Rows - 1) / kInt8Rows, pairs = (g.k + 1) / 2;
  std::int32_t* a_pack = scratch<std::int32_t>(1, row_blocks * kInt8Rows * pairs);
  pack_a_int8(a, g.lda, g.m, g.k, a_pack);
  // Equal spans, whole row blocks: M 128 is 66 + 62 rows, two passes over B (a fixed span of
  // 60 made it 60 + 60 + 8: a third pass for 8 rows, 0.69 -> 0.55 of the bound).
  const std::int64_t spans = (g.m + kPackedRowSpan - 1) / kPackedRowSpan;
  const std::int64_t span = ((g.m + spans - 1) / spans + kInt8Rows - 1) / kInt8Rows * kInt8Rows;
  for (std::int64_t m_lo = 0; m_lo < g.m; m_lo += span) {
    const std::int64_t m_hi = min_of(g.m, m_lo + span);
    for (std::int64_t n0 = 0; n0 < g.n; n0 += kInt8Cols) {
      const int nb = static_cast<int>(min_of(kInt8Cols, g.n - n0));
      const std::int8_t* tile = b + (n0 / kInt8Cols) * g.b_tile_stride;
      for (std::int64_t p0 = 0; p0 < pairs; p0 += kInt8PairChunk) {
        const std::int64_t count = min_of(kInt8PairChunk, pairs - p0);
        for (std::int64_t m0 = m_lo; m0 < m_hi; m0 += kInt8Rows) {
          const int mr = static_cast<int>(min_of(kInt8Rows, m_hi - m0));
          kInt8PackedTiles[mr - 1](a_pack + (m0 / kInt8Rows) * pairs * kInt8Rows + p0 * kInt8Rows,
                                   tile + p0 * 2 * kInt8Cols, count, c + m0 * g.ldc + n0, g.ldc, nb,
                                   g.accumulate || p0 > 0);
        }
      }
    }
  }
}

}  // namespace

void matmul_int8_avx2(const MatmulArgs& args) {
  if (args.b_transposed) matmul_int8_transposed_avx2(args);
  else if (args.b_tile_stride) int8_row_major_packed(args);
  else int8_row_major_tiled(args);
}

}  // namespace tg::kernels::detail
