// The AVX2 bf16 matmul (AVX2 + FMA, 16 ymm registers), row-major B, in three forms that share
// one register tile shape, 4 rows of A x 24 columns of B (12 fp32 accumulators: FMA latency
// 4 x 2 pipes needs >= 8):
//   GEMM on a view (M > 32): each 256-row K chunk of a 24-column tile widened once into an L1
//     fp32 panel that all row blocks read (tile_bf16);
//   decode on a view (M <= 32): each K chunk of a tile interleaved into k-pairs, widened in
//     registers by the pair kernel (tile_bf16_pairs), since few row blocks share a tile;
//   PackedWeights: the tiles already stored as k-pairs, streamed by the same pair kernel.
// Every C element is one FMA chain over k in the documented order (matmul.hpp: per pair, odd
// element first; an odd K ends with +0 then the last product), so results are the scalar
// path's bit for bit (a bf16 product is exact in fp32, so fma(a, b, c) rounds once like
// c + a * b; they differ only if a product is below 2^-126 or overflows).
// Transposed B: matmul_avx2_transposed_bf16.cpp (the portable loops' lane order, in registers).
// Cost: O(M*N*K); B read once per call, A packed once per call (GEMM: once per K chunk).
#include <cstring>

#include "kernels/detail/matmul_avx2_common.hpp"
#include "kernels/detail/matmul_loops_body.hpp"

namespace tg::kernels::detail {
namespace {

constexpr int kRows = 4;                   // rows of A per register tile
constexpr int kVectors = 3;                // ymm vectors of 8 columns per tile row
constexpr int kCols = 8 * kVectors;        // 24 columns of B per tile
constexpr std::int64_t kKChunk = 256;      // K rows per panel; even, so pairs never straddle chunks
static_assert(kCols == kPackedColsBf16);

// ---- bf16 --------------------------------------------------------------------------------
// Panel row i of a K chunk holds the B row that is added i-th: rows come in pairs (2p+1, 2p)
// (odd first, as vdpbf16ps adds them); an odd K's last pair is (zero row, K-1), which adds
// +0 first exactly as the scalar path's (c + 0) does. A is packed in the same order.
inline std::int64_t panel_source_row(std::int64_t i, std::int64_t k) {
  const std::int64_t pair = i / 2, odd = 2 * pair + 1;
  if (i % 2 == 0) return odd < k ? odd : -1;  // -1: the zero row
  return 2 * pair;
}

inline __m256 widen8(const std::uint16_t* p) {
  const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

// Widens a kc x nb tile of B (row stride ldb) into panel[kc_padded][24] fp32 in added order,
// zero past nb columns; prefetches the same rows of the next tile (the DRAM stream).
void widen_b_panel(const std::uint16_t* b, std::int64_t ldb, std::int64_t kc, int nb, const std::uint16_t* next,
                   float* panel) {
  const std::int64_t rows = (kc + 1) / 2 * 2;
  for (std::int64_t i = 0; i < rows; ++i) {
    float* out = panel + i * kCols;
    const std::int64_t src = panel_source_row(i, kc);
    if (src < 0) {
      unroll<kVectors>([&](auto j) { _mm256_store_ps(out + 8 * j, _mm256_setzero_ps()); });
      continue;
    }
    const std::uint16_t* row = b + src * ldb;
    if (next) {
      _mm_prefetch(reinterpret_cast<const char*>(next + src * ldb), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(next + src * ldb + kCols - 1), _MM_HINT_T0);
    }
    if (nb == kCols) {
      unroll<kVectors>([&](auto j) { _mm256_store_ps(out + 8 * j, widen8(row + 8 * j)); });
    } else {  // column tail (e.g. 16 of a 64-column model tile): through a zero-padded copy
      alignas(16) std::uint16_t padded[kCols] = {};
      std::memcpy(padded, row, static_cast<std::size_t>(nb) * sizeof(std::uint16_t));
      unroll<kVectors>([&](auto j) { _mm256_store_ps(out + 8 * j, widen8(padded + 8 * j)); });
    }
  }
}

// Packs rows [m0, m0 + mr) of an A K-chunk as fp32 blocks of 4 rows: a_pack[i][r] = A[r, k(i)]
// in added order (rows past mr and the zero row are 0).
void pack_a_bf16(const std::uint16_t* a, std::int64_t lda, std::int64_t m, std::int64_t kc, float* a_pack) {
  const std::int64_t rows = (kc + 1) / 2 * 2;
  for (std::int64_t m0 = 0; m0 < m; m0 += kRows) {
    float* block = a_pack + (m0 / kRows) * rows * kRows;
    const std::int64_t mr = min_of(kRows, m - m0);
    std::int64_t i = 0;
    if (mr == kRows) {  // full pairs of a full block: 8 k of 4 rows per step, pairs swapped
      const std::uint16_t* r0 = a + m0 * lda;
      const __m128i swap_pairs = _mm_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
      for (; i + 8 <= kc; i += 8) {
        __m128i v[kRows];
        unroll<kRows>([&](auto r) {
          v[r] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + r * lda + i)), swap_pairs);
        });
        // 4 x 8 transpose of 16-bit values: out[i][r] for the 8 added-order indices i.
        const __m128i t01lo = _mm_unpacklo_epi16(v[0], v[1]), t01hi = _mm_unpackhi_epi16(v[0], v[1]);
        const __m128i t23lo = _mm_unpacklo_epi16(v[2], v[3]), t23hi = _mm_unpackhi_epi16(v[2], v[3]);
        const __m128i q[4] = {_mm_unpacklo_epi32(t01lo, t23lo), _mm_unpackhi_epi32(t01lo, t23lo),
                              _mm_unpacklo_epi32(t01hi, t23hi), _mm_unpackhi_epi32(t01hi, t23hi)};
        unroll<4>([&](auto j) {
          _mm256_storeu_ps(block + (i + 2 * j) * kRows,
                           _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(q[j]), 16)));
        });
      }
    }
    for (; i < rows; ++i) {
      const std::int64_t src = panel_source_row(i, kc);
      for (std::int64_t r = 0; r < kRows; ++r)
        block[i * kRows + r] = (src >= 0 && r < mr) ? widen(a[(m0 + r) * lda + src]) : 0.0f;
    }
  }
}

// C[MR x nb] (+)= A block . panel over `rows` panel rows; one FMA chain per C element.
template <int MR>
void tile_bf16(const float* a_block, const float* panel, std::int64_t rows, float* c, std::int64_t ldc, int nb,
               bool load_c) {
  __m256 acc[MR][kVectors];
  __m256i mask[kVectors];
  unroll<kVectors>([&](auto j) { mask[j] = lane_mask(nb - 8 * j); });
  const bool full = nb == kCols;
  unroll<MR>([&](auto r) {
    unroll<kVectors>([&](auto j) {
      if (!load_c) acc[r][j] = _mm256_setzero_ps();
      else if (full) acc[r][j] = _mm256_loadu_ps(c + r * ldc + 8 * j);
      else acc[r][j] = _mm256_maskload_ps(c + r * ldc + 8 * j, mask[j]);
    });
  });
  for (std::int64_t i = 0; i < rows; ++i) {
    const float* b = panel + i * kCols;
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8), b2 = _mm256_load_ps(b + 16);
    unroll<MR>([&](auto r) {
      const __m256 av = _mm256_broadcast_ss(a_block + i * kRows + r);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
      acc[r][2] = _mm256_fmadd_ps(av, b2, acc[r][2]);
    });
  }
  unroll<MR>([&](auto r) {
    unroll<kVectors>([&](auto j) {
      if (full) _mm256_storeu_ps(c + r * ldc + 8 * j, acc[r][j]);
      else _mm256_maskstore_ps(c + r * ldc + 8 * j, mask[j], acc[r][j]);
    });
  });
}

using Bf16Tile = void (*)(const float*, const float*, std::int64_t, float*, std::int64_t, int, bool);
constexpr Bf16Tile kBf16Tiles[] = {tile_bf16<1>, tile_bf16<2>, tile_bf16<3>, tile_bf16<4>};

void bf16_row_major_tiled(const MatmulArgs& g) {
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* b = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  const std::int64_t row_blocks = (g.m + kRows - 1) / kRows;
  alignas(32) static thread_local float panel[kKChunk * kCols];
  float* a_pack = scratch<float>(0, row_blocks * kRows * kKChunk);
  for (std::int64_t k0 = 0; k0 < g.k; k0 += kKChunk) {
    const std::int64_t kc = min_of(kKChunk, g.k - k0), rows = (kc + 1) / 2 * 2;
    const bool load_c = g.accumulate || k0 > 0;
    pack_a_bf16(a + k0, g.lda, g.m, kc, a_pack);
    for (std::int64_t n0 = 0; n0 < g.n; n0 += kCols) {
      const int nb = static_cast<int>(min_of(kCols, g.n - n0));
      const std::uint16_t* tile_b = b + k0 * g.ldb + n0;
      widen_b_panel(tile_b, g.ldb, kc, nb, n0 + kCols < g.n ? tile_b + kCols : nullptr, panel);
      for (std::int64_t m0 = 0; m0 < g.m; m0 += kRows) {
        const int mr = static_cast<int>(min_of(kRows, g.m - m0));
        kBf16Tiles[mr - 1](a_pack + (m0 / kRows) * rows * kRows, panel, rows, c + m0 * g.ldc + n0, g.ldc, nb,
                           load_c);
      }
    }
  }
}

// Packed B (PackedWeights, layout in matmul_paths.hpp): per tile and k-pair 24 dwords, each
// (lo: the row added first, hi: the row added second), so widening is one shift (lo) and one
// and (hi) in registers, with no panel pass. Without a separate widening phase the loads of B
// interleave with the FMAs, and B streams once from memory in one run per tile.
constexpr std::int64_t kPairChunk = 128;  // k-pairs per C reload: 128 x 24 x 4 bytes = 12 KB of B

alignas(32) const std::uint32_t kHighHalves[8] = {0xffff0000u, 0xffff0000u, 0xffff0000u, 0xffff0000u,
                                                  0xffff0000u, 0xffff0000u, 0xffff0000u, 0xffff0000u};

template <int MR>
void load_c_tile(__m256 (&acc)[MR][kVectors], const float* c, std::int64_t ldc, int nb, bool load_c) {
  unroll<MR>([&](auto r) {
    unroll<kVectors>([&](auto j) {
      const __m256i mask = lane_mask(nb - 8 * j);
      if (!load_c) acc[r][j] = _mm256_setzero_ps();
      else if (nb == kCols) acc[r][j] = _mm256_loadu_ps(c + r * ldc + 8 * j);
      else acc[r][j] = _mm256_maskload_ps(c + r * ldc + 8 * j, mask);
    });
  });
}

template <int MR>
void store_c_tile(const __m256 (&acc)[MR][kVectors], float* c, std::int64_t ldc, int nb) {
  unroll<MR>([&](auto r) {
    unroll<kVectors>([&](auto j) {
      if (nb == kCols) _mm256_storeu_ps(c + r * ldc + 8 * j, acc[r][j]);
      else _mm256_maskstore_ps(c + r * ldc + 8 * j, lane_mask(nb - 8 * j), acc[r][j]);
    });
  });
}

// Row-block tails (fewer than 4 rows): intrinsics (GCC allocates these smaller tiles well).
template <int MR>
void tile_bf16_pairs(const float* a_block, const std::uint32_t* pairs, std::int64_t count, float* c,
                     std::int64_t ldc, int nb, bool load_c) {
  __m256 acc[MR][kVectors];
  load_c_tile<MR>(acc, c, ldc, nb, load_c);
  const __m256i high = _mm256_load_si256(reinterpret_cast<const __m256i*>(kHighHalves));
  for (std::int64_t p = 0; p < count; ++p) {
    const __m256i* v = reinterpret_cast<const __m256i*>(pairs + p * kCols);
    const float* a_first = a_block + 2 * p * kRows;
    __m256 b[kVectors];
    unroll<kVectors>([&](auto j) { b[j] = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_load_si256(v + j), 16)); });
    unroll<MR>([&](auto r) {
      const __m256 av = _mm256_broadcast_ss(a_first + r);
      unroll<kVectors>([&](auto j) { acc[r][j] = _mm256_fmadd_ps(av, b[j], acc[r][j]); });
    });
    unroll<kVectors>([&](auto j) { b[j] = _mm256_castsi256_ps(_mm256_and_si256(_mm256_load_si256(v + j), high)); });
    unroll<MR>([&](auto r) {
      const __m256 av = _mm256_broadcast_ss(a_first + kRows + r);
      unroll<kVectors>([&](auto j) { acc[r][j] = _mm256_fmadd_ps(av, b[j], acc[r][j]); });
    });
  }
  store_c_tile<MR>(acc, c, ldc, nb);
}

// Prefetch: the line one pair chunk (12 KB) ahead, i.e. the next chunk of this tile (or the
// next tile's first, which follows it in the packed buffer), so the 2nd-4th row blocks of a
// chunk, which read it from L1, fetch the next one from DRAM for the 1st: M 16 x K 1536 x N
// 24576 packed went from 25.0-26.7 to 22.3-23.1 ms thread CPU (prefetching 2 KB ahead, the
// best of 512-4096 at 1 thread on a quiet host; shared Zen 3, load 13, alternating runs).
// The full 4-row tile needs all 16 ymm registers (12 accumulators, 3 B, 1 A) with the mask
// read from memory; GCC 12 spilled three accumulators per k-pair when written with
// intrinsics (0.42 of peak), so the k-pair loop is written out. Per k-pair: 3 loads + 3
// vpslld, 3 loads + 3 vpand (mask from memory), 8 broadcasts, 24 FMAs (each C element one
// chain: first row, then second row, as matmul.hpp says).
template <>
void tile_bf16_pairs<4>(const float* a_block, const std::uint32_t* pairs, std::int64_t count, float* c,
                        std::int64_t ldc, int nb, bool load_c) {
  __m256 acc[4][kVectors];
  load_c_tile<4>(acc, c, ldc, nb, load_c);
  if (count > 0) {
    const float* a = a_block;
    const float* const a_end = a_block + 2 * kRows * count;  // (30 asm operands at most: no counter)
    const std::uint32_t* b = pairs;
#define TG_ROW(off, r)                                  \
  "vbroadcastss " #off "(%[a]), %%ymm15\n\t"            \
  "vfmadd231ps %%ymm12, %%ymm15, %[c" #r "0]\n\t"       \
  "vfmadd231ps %%ymm13, %%ymm15, %[c" #r "1]\n\t"       \
  "vfmadd231ps %%ymm14, %%ymm15, %[c" #r "2]\n\t"
    asm volatile(
        "1:\n\t"
        "vmovdqa (%[b]), %%ymm12\n\t"
        "vmovdqa 32(%[b]), %%ymm13\n\t"
        "vmovdqa 64(%[b]), %%ymm14\n\t"
        "prefetcht0 12288(%[b])\n\t"  // the next pair chunk (kPairChunk x 96 bytes): see above
        "vpslld $16, %%ymm12, %%ymm12\n\t"
        "vpslld $16, %%ymm13, %%ymm13\n\t"
        "vpslld $16, %%ymm14, %%ymm14\n\t"
        TG_ROW(0, 0) TG_ROW(4, 1) TG_ROW(8, 2) TG_ROW(12, 3)
        "vmovdqa (%[b]), %%ymm12\n\t"
        "vmovdqa 32(%[b]), %%ymm13\n\t"
        "vmovdqa 64(%[b]), %%ymm14\n\t"
        "vpand %[high], %%ymm12, %%ymm12\n\t"
        "vpand %[high], %%ymm13, %%ymm13\n\t"
        "vpand %[high], %%ymm14, %%ymm14\n\t"
        TG_ROW(16, 0) TG_ROW(20, 1) TG_ROW(24, 2) TG_ROW(28, 3)
        "add $96, %[b]\n\t"
        "add $32, %[a]\n\t"
        "cmp %[a_end], %[a]\n\t"
        "jne 1b\n\t"
        : [c00] "+x"(acc[0][0]), [c01] "+x"(acc[0][1]), [c02] "+x"(acc[0][2]), [c10] "+x"(acc[1][0]),
          [c11] "+x"(acc[1][1]), [c12] "+x"(acc[1][2]), [c20] "+x"(acc[2][0]), [c21] "+x"(acc[2][1]),
          [c22] "+x"(acc[2][2]), [c30] "+x"(acc[3][0]), [c31] "+x"(acc[3][1]), [c32] "+x"(acc[3][2]), [a] "+r"(a),
          [b] "+r"(b)
        : [a_end] "r"(a_end), [high] "m"(*reinterpret_cast<const __m256i*>(kHighHalves))
        : "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
#undef TG_ROW
  }
  store_c_tile<4>(acc, c, ldc, nb);
}

using Bf16PairTile = void (*)(const float*, const std::uint32_t*, std::int64_t, float*, std::int64_t, int, bool);
constexpr Bf16PairTile kBf16PairTiles[] = {tile_bf16_pairs<1>, tile_bf16_pairs<2>, tile_bf16_pairs<3>,
                                           tile_bf16_pairs<4>};

// Spans of up to 64 rows of A outer (decode: one span), then tiles (a tile's C block stays in
// L1 across K), K chunks, then the span's row blocks (the first reads the chunk from memory,
// the others from L1); A packed once for the whole K. The span keeps the A rows every tile
// re-reads in L2: with all 1024 rows of a GEMM (4 MB of packed A) per tile, 1024^3 ran at
// 0.61-0.77 of the peak against 0.85 for the view form.
constexpr std::int64_t kPackedRowSpan = 64;  // at most about this many rows per span
void bf16_row_major_packed(const MatmulArgs& g) {
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* b = static_cast<const std::uint32_t*>(g.b);  // dword pairs
  auto* c = static_cast<float*>(g.c);
  const std::int64_t row_blocks = (g.m + kRows - 1) / kRows, pairs = (g.k + 1) / 2, k_rows = 2 * pairs;
  float* a_pack = scratch<float>(0, row_blocks * kRows * k_rows);
  pack_a_bf16(a, g.lda, g.m, g.k, a_pack);  // chunks are even: the same added order as per chunk
  // Equal spans of whole row blocks (M 65: 36 + 29 rows, not 64 + 1: a pass over B per span).
  const std::int64_t spans = (g.m + kPackedRowSpan - 1) / kPackedRowSpan;
  const std::int64_t span = ((g.m + spans - 1) / spans + kRows - 1) / kRows * kRows;
  for (std::int64_t m_lo = 0; m_lo < g.m; m_lo += span) {
    const std::int64_t m_hi = min_of(g.m, m_lo + span);
    for (std::int64_t n0 = 0; n0 < g.n; n0 += kCols) {
      const int nb = static_cast<int>(min_of(kCols, g.n - n0));
      const std::uint32_t* tile = b + (n0 / kCols) * (g.b_tile_stride / 2);
      for (std::int64_t p0 = 0; p0 < pairs; p0 += kPairChunk) {
        const std::int64_t count = min_of(kPairChunk, pairs - p0);
        for (std::int64_t m0 = m_lo; m0 < m_hi; m0 += kRows) {
          const int mr = static_cast<int>(min_of(kRows, m_hi - m0));
          kBf16PairTiles[mr - 1](a_pack + (m0 / kRows) * k_rows * kRows + 2 * p0 * kRows, tile + p0 * kCols, count,
                                 c + m0 * g.ldc + n0, g.ldc, nb, g.accumulate || p0 > 0);
        }
      }
    }
  }
}

// Decode on a view (M <= 32): each 256-row K chunk of a 24-column tile is interleaved into
// the packed pair layout (2 loads, 2 unpacks, 2 stores per 8 columns and k-pair: half the
// bytes and ops of the fp32 panel) and the pair kernel widens it in registers. With few row
// blocks per tile that is cheaper than widening once into fp32; GEMM keeps the fp32 panel.
void pair_tile_bf16(const std::uint16_t* b, std::int64_t ldb, std::int64_t kc, int nb, const std::uint16_t* next,
                    std::uint32_t* panel) {
  alignas(16) static const std::uint16_t zeros[kCols] = {};
  for (std::int64_t p = 0; p < (kc + 1) / 2; ++p) {
    const std::uint16_t* second = b + 2 * p * ldb;
    const std::uint16_t* first = 2 * p + 1 < kc ? second + ldb : zeros;
    if (next) {
      _mm_prefetch(reinterpret_cast<const char*>(next + 2 * p * ldb), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(next + 2 * p * ldb + kCols - 1), _MM_HINT_T0);
      if (2 * p + 1 < kc) {
        _mm_prefetch(reinterpret_cast<const char*>(next + (2 * p + 1) * ldb), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(next + (2 * p + 1) * ldb + kCols - 1), _MM_HINT_T0);
      }
    }
    alignas(16) std::uint16_t first_padded[kCols], second_padded[kCols];
    if (nb < kCols) {  // column tail: through zero-padded copies
      std::memset(first_padded, 0, sizeof first_padded);
      std::memset(second_padded, 0, sizeof second_padded);
      std::memcpy(first_padded, first, static_cast<std::size_t>(nb) * 2);
      std::memcpy(second_padded, second, static_cast<std::size_t>(nb) * 2);
      first = first_padded;
      second = second_padded;
    }
    std::uint32_t* out = panel + p * kCols;
    unroll<kVectors>([&](auto j) {
      const __m128i f = _mm_loadu_si128(reinterpret_cast<const __m128i*>(first + 8 * j));
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second + 8 * j));
      _mm_store_si128(reinterpret_cast<__m128i*>(out + 8 * j), _mm_unpacklo_epi16(f, v));
      _mm_store_si128(reinterpret_cast<__m128i*>(out + 8 * j + 4), _mm_unpackhi_epi16(f, v));
    });
  }
}

void bf16_row_major_decode(const MatmulArgs& g) {
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* b = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  const std::int64_t row_blocks = (g.m + kRows - 1) / kRows, k_rows = (g.k + 1) / 2 * 2;
  alignas(32) static thread_local std::uint32_t panel[kKChunk / 2 * kCols];
  float* a_pack = scratch<float>(0, row_blocks * kRows * k_rows);
  pack_a_bf16(a, g.lda, g.m, g.k, a_pack);  // chunks are even: the same added order as per chunk
  for (std::int64_t k0 = 0; k0 < g.k; k0 += kKChunk) {
    const std::int64_t kc = min_of(kKChunk, g.k - k0), pairs = (kc + 1) / 2;
    for (std::int64_t n0 = 0; n0 < g.n; n0 += kCols) {
      const int nb = static_cast<int>(min_of(kCols, g.n - n0));
      const std::uint16_t* tile_b = b + k0 * g.ldb + n0;
      pair_tile_bf16(tile_b, g.ldb, kc, nb, n0 + kCols < g.n ? tile_b + kCols : nullptr, panel);
      for (std::int64_t m0 = 0; m0 < g.m; m0 += kRows) {
        const int mr = static_cast<int>(min_of(kRows, g.m - m0));
        kBf16PairTiles[mr - 1](a_pack + (m0 / kRows) * k_rows * kRows + k0 * kRows, panel, pairs,
                               c + m0 * g.ldc + n0, g.ldc, nb, g.accumulate || k0 > 0);
      }
    }
  }
}

}  // namespace

void matmul_bf16_avx2(const MatmulArgs& args) {
  if (args.b_transposed) matmul_bf16_transposed_avx2(args);
  else if (args.b_tile_stride) bf16_row_major_packed(args);
  else if (args.m <= 32) bf16_row_major_decode(args);
  else bf16_row_major_tiled(args);
}

}  // namespace tg::kernels::detail
