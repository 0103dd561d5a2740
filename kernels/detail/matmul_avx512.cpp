// AVX-512 matmul: vdpbf16ps for bf16 (AVX512_BF16) and vpdpbusd for int8 (AVX512_VNNI).
// Works on row-major B as the model stores it: each k-pair (bf16, vpermt2w) or k-quad (int8,
// unpacks) of B rows is interleaved on the fly, or once per row panel into an L1 buffer when
// many row blocks of A will read it.
// Cost: O(M*N*K); per 8x48 (bf16) or 6x64 (int8) register tile and K chunk, B is read once.
#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "kernels/detail/matmul_paths.hpp"
#include "kernels/detail/unroll.hpp"

namespace tg::kernels::detail {
namespace {

inline __m512bh as_bh(__m512i v) { return reinterpret_cast<__m512bh&>(v); }

// vdpbf16ps with the accumulator tied in place (see dot_u8s8 below for why not the intrinsic).
inline __m512 dot_bf16(__m512 acc, __m512i pairs_a, __m512i pairs_b) {
  asm("vdpbf16ps %2, %1, %0" : "+v"(acc) : "v"(pairs_a), "v"(pairs_b));
  return acc;
}

inline __m512i broadcast_pair(const std::uint16_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(static_cast<int>(v));
}

inline __mmask16 mask16(int n) { return n >= 16 ? static_cast<__mmask16>(0xffff) : n <= 0 ? 0 : static_cast<__mmask16>((1u << n) - 1); }
inline __mmask32 mask32(int n) { return n >= 32 ? 0xffffffffu : n <= 0 ? 0 : static_cast<__mmask32>((1u << n) - 1); }
inline __mmask64 mask64(int n) { return n >= 64 ? ~0ull : n <= 0 ? 0 : ((1ull << n) - 1); }

// ---- bf16, row-major B -----------------------------------------------------------------
// Register tile: 8 rows of A x 48 columns of B = 24 accumulators. vdpbf16ps has a latency of
// about 12 cycles here at 2 per cycle, so 24 independent accumulators are needed to keep the
// units busy (16 capped the kernel at ~67% of the peak). Each k-pair of B rows becomes 3
// vectors of (B[k, n], B[k+1, n]) pairs in column order, by vpermt2w.
constexpr int kTileRows = 8;
constexpr int kTileVectors = 3;  // 16 columns each
constexpr int kTileCols = 16 * kTileVectors;

struct PairSource {
  const std::uint16_t* b = nullptr;  // direct: B at the tile's first row and column
  std::int64_t ldb = 0;
  const __m512i* packed = nullptr;   // packed: kTileVectors vectors per k-pair
  const std::uint16_t* prefetch = nullptr;  // direct only: the next tile's B, to prefetch
};

// Pairs of rows r0 = B[k, c0:c0+48] and r1 = B[k+1, ...] (zero past nb columns).
inline void make_pairs(const std::uint16_t* r0, const std::uint16_t* r1, int nb, __m512i* out) {
  const __m512i first = _mm512_setr_epi32(0x200000, 0x210001, 0x220002, 0x230003, 0x240004, 0x250005, 0x260006,
                                          0x270007, 0x280008, 0x290009, 0x2a000a, 0x2b000b, 0x2c000c, 0x2d000d,
                                          0x2e000e, 0x2f000f);  // words r0[i], r1[i] for i = 0..15
  const __m512i second = _mm512_add_epi16(first, _mm512_set1_epi16(16));  // i = 16..31
  const __mmask32 m_low = mask32(nb), m_high = mask32(nb - 32);
  const __m512i a0 = _mm512_maskz_loadu_epi16(m_low, r0), a1 = _mm512_maskz_loadu_epi16(m_low, r1);
  const __m512i b0 = _mm512_maskz_loadu_epi16(m_high, r0 + 32), b1 = _mm512_maskz_loadu_epi16(m_high, r1 + 32);
  out[0] = _mm512_permutex2var_epi16(a0, first, a1);
  out[1] = _mm512_permutex2var_epi16(a0, second, a1);
  out[2] = _mm512_permutex2var_epi16(b0, first, b1);
}

// Interleaves k rows of a 48-column B tile into pairs (an odd last row pairs with zeros),
// prefetching the next tile's rows on the way. Cost: k row reads and 1.5 k vector stores,
// once per row panel.
void pack_pairs(const std::uint16_t* b, std::int64_t ldb, std::int64_t k, int nb, const std::uint16_t* prefetch,
                __m512i* packed) {
  alignas(64) static const std::uint16_t zeros[kTileCols] = {};
  for (std::int64_t kk = 0; kk < k; kk += 2) {
    const std::uint16_t* r1 = kk + 1 < k ? b + (kk + 1) * ldb : zeros;
    if (prefetch) {
      _mm_prefetch(reinterpret_cast<const char*>(prefetch + kk * ldb), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(prefetch + kk * ldb + 32), _MM_HINT_T0);
      if (kk + 1 < k) {
        _mm_prefetch(reinterpret_cast<const char*>(prefetch + (kk + 1) * ldb), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(prefetch + (kk + 1) * ldb + 32), _MM_HINT_T0);
      }
    }
    make_pairs(b + kk * ldb, r1, nb, packed + (kk / 2) * kTileVectors);
  }
}

// One instantiation per source kind (direct or packed) and row count.
template <int MR, bool kPacked>
void tile_bf16(const std::uint16_t* a, std::int64_t lda, const PairSource& src, float* c, std::int64_t ldc,
               std::int64_t k, int nb, bool load_c) {
  __mmask16 c_mask[kTileVectors];
  unroll<kTileVectors>([&](auto j) { c_mask[j] = mask16(nb - 16 * j); });
  __m512 acc[MR][kTileVectors];
  unroll<MR>([&](auto r) {
    unroll<kTileVectors>([&](auto j) {
      acc[r][j] = load_c ? _mm512_maskz_loadu_ps(c_mask[j], c + r * ldc + 16 * j) : _mm512_setzero_ps();
    });
  });
  alignas(64) static const std::uint16_t zeros[kTileCols] = {};
  for (std::int64_t kk = 0; kk < k; kk += 2) {
    __m512i pairs[kTileVectors];
    if constexpr (kPacked) {
      unroll<kTileVectors>([&](auto j) { pairs[j] = _mm512_load_si512(src.packed + (kk / 2) * kTileVectors + j); });
    } else {
      const std::uint16_t* r0 = src.b + kk * src.ldb;
      const std::uint16_t* r1 = kk + 1 < k ? r0 + src.ldb : zeros;  // odd K: pair with zeros
      if (src.prefetch) {
        _mm_prefetch(reinterpret_cast<const char*>(src.prefetch + kk * src.ldb), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(src.prefetch + kk * src.ldb + 32), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(src.prefetch + (kk + 1) * src.ldb), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(src.prefetch + (kk + 1) * src.ldb + 32), _MM_HINT_T0);
      }
      make_pairs(r0, r1, nb, pairs);
    }
    unroll<MR>([&](auto r) {
      // An odd last k pairs A's last value with a zero (reading 4 bytes would overrun the row).
      const __m512i ap = kk + 1 < k ? broadcast_pair(a + r * lda + kk)
                                    : _mm512_set1_epi32(static_cast<int>(a[r * lda + kk]));
      unroll<kTileVectors>([&](auto j) { acc[r][j] = dot_bf16(acc[r][j], pairs[j], ap); });
    });
  }
  unroll<MR>([&](auto r) {
    unroll<kTileVectors>([&](auto j) { _mm512_mask_storeu_ps(c + r * ldc + 16 * j, c_mask[j], acc[r][j]); });
  });
}

using Bf16Tile = void (*)(const std::uint16_t*, std::int64_t, const PairSource&, float*, std::int64_t, std::int64_t,
                          int, bool);
constexpr Bf16Tile kBf16DirectTiles[] = {tile_bf16<1, false>, tile_bf16<2, false>, tile_bf16<3, false>,
                                         tile_bf16<4, false>, tile_bf16<5, false>, tile_bf16<6, false>,
                                         tile_bf16<7, false>, tile_bf16<8, false>};
constexpr Bf16Tile kBf16PackedTiles[] = {tile_bf16<1, true>, tile_bf16<2, true>, tile_bf16<3, true>,
                                         tile_bf16<4, true>, tile_bf16<5, true>, tile_bf16<6, true>,
                                         tile_bf16<7, true>, tile_bf16<8, true>};

// Loop order: K chunks of 256 rows outer, then 48-column tiles, then 8-row blocks of A, so B
// is streamed one row panel (256 x N) at a time, and the next tile's lines are prefetched
// while the current one is read (without it, each tile's walk down the rows at the row
// stride of B waits on every line; prefetching 2 or 3 tiles ahead, or into L2, was slower).
// Up to 16 rows of A (decode), the row blocks read B in place (the second block mostly from
// L1/L2); with more, each 256 x 48 block is first interleaved into a 24 KB L1 buffer that all
// row blocks read, which also avoids re-reading B at a row stride that maps its rows onto a
// few cache sets (N = 24576: one set). C tiles are reloaded once per K chunk (exact: fp32 in,
// fp32 out, same order).
constexpr std::int64_t kKChunk = 256;  // even, so pairs never straddle chunks

void bf16_row_major(const MatmulArgs& g) {
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* b = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  alignas(64) thread_local __m512i packed[kKChunk / 2 * kTileVectors];
  const bool pack = g.m > 2 * kTileRows;  // measured: in-place reads are as fast up to 16 rows
  for (std::int64_t k0 = 0; k0 < g.k; k0 += kKChunk) {
    const std::int64_t kc = min_of(kKChunk, g.k - k0);
    const bool load_c = g.accumulate || k0 > 0;
    for (std::int64_t n0 = 0; n0 < g.n; n0 += kTileCols) {
      const int nb = static_cast<int>(min_of(kTileCols, g.n - n0));
      const std::uint16_t* tile_b = b + k0 * g.ldb + n0;
      const std::uint16_t* next_b = n0 + kTileCols < g.n ? tile_b + kTileCols : nullptr;
      PairSource src;
      if (pack) {
        pack_pairs(tile_b, g.ldb, kc, nb, next_b, packed);
        src.packed = packed;
      } else {
        src.b = tile_b;
        src.ldb = g.ldb;
        src.prefetch = next_b;
      }
      for (std::int64_t m0 = 0; m0 < g.m; m0 += kTileRows) {
        const int mr = static_cast<int>(min_of(kTileRows, g.m - m0));
        (pack ? kBf16PackedTiles : kBf16DirectTiles)[mr - 1](a + m0 * g.lda + k0, g.lda, src, c + m0 * g.ldc + n0,
                                                             g.ldc, kc, nb, load_c);
      }
    }
  }
}

// ---- bf16, transposed B (dot products along K) -------------------------------------------
// 16 lanes per (row, column) pair, lane l taking the pairs (32j+2l, 32j+2l+1); then the tree
// l + l^8, +4, +2, +1 (matmul.hpp).
// (Zero-masked extracts: GCC 12's unmasked ones trip -Wuninitialized, GCC PR 105593.)
inline float lane_tree(__m512 v) {
  const __m256 s8 = _mm256_add_ps(_mm512_maskz_extractf32x8_ps(0xff, v, 0), _mm512_maskz_extractf32x8_ps(0xff, v, 1));
  const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
  const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
  return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

template <int MR, int NR>
void dot_tile_bf16(const std::uint16_t* a, std::int64_t lda, const std::uint16_t* bt, std::int64_t ldb, float* c,
                   std::int64_t ldc, std::int64_t k, bool accumulate) {
  __m512 acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_setzero_ps();
  for (std::int64_t k0 = 0; k0 < k; k0 += 32) {
    const __mmask32 km = mask32(static_cast<int>(min_of(32, k - k0)));  // zeros past K add nothing
    __m512bh av[MR], bv[NR];
    for (int i = 0; i < MR; ++i) av[i] = as_bh(_mm512_maskz_loadu_epi16(km, a + i * lda + k0));
    for (int j = 0; j < NR; ++j) bv[j] = as_bh(_mm512_maskz_loadu_epi16(km, bt + j * ldb + k0));
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_dpbf16_ps(acc[i][j], av[i], bv[j]);
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) {
      const float s = lane_tree(acc[i][j]);
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + s : s;
    }
}

template <int MR>
void dot_row_block_bf16(const MatmulArgs& g, std::int64_t m0) {
  const auto* a = static_cast<const std::uint16_t*>(g.a) + m0 * g.lda;
  const auto* bt = static_cast<const std::uint16_t*>(g.b);
  float* c = static_cast<float*>(g.c) + m0 * g.ldc;
  std::int64_t n0 = 0;
  for (; n0 + 4 <= g.n; n0 += 4) dot_tile_bf16<MR, 4>(a, g.lda, bt + n0 * g.ldb, g.ldb, c + n0, g.ldc, g.k, g.accumulate);
  for (; n0 < g.n; ++n0) dot_tile_bf16<MR, 1>(a, g.lda, bt + n0 * g.ldb, g.ldb, c + n0, g.ldc, g.k, g.accumulate);
}

void bf16_transposed(const MatmulArgs& g) {
  std::int64_t m0 = 0;
  for (; m0 + 4 <= g.m; m0 += 4) dot_row_block_bf16<4>(g, m0);
  for (; m0 < g.m; ++m0) dot_row_block_bf16<1>(g, m0);
}

// ---- int8 ------------------------------------------------------------------------------
// vpdpbusd multiplies unsigned by signed bytes. B is made unsigned by adding 128 (xor 0x80):
// sum (b + 128) * a = sum a*b + 128 * sum a, and the second term (per row of A, per K range)
// is subtracted at the end. Integer sums are exact, so this is bit-identical to the scalar path.
// vpdpbusd with the accumulator tied in place: GCC 12 copies accumulators of the intrinsic
// into fresh registers every iteration, which halved the int8 tile's throughput.
inline __m512i dot_u8s8(__m512i acc, __m512i unsigned_bytes, __m512i signed_bytes) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(unsigned_bytes), "v"(signed_bytes));
  return acc;
}

inline __m512i broadcast_quad(const std::int8_t* p, std::int64_t valid) {
  std::int32_t v = 0;
  std::memcpy(&v, p, static_cast<std::size_t>(valid < 4 ? valid : 4));
  return _mm512_set1_epi32(v);
}

// Accumulators q_j lane 4L+i hold column 16L + 4j + i; this 4x4 transpose of 128-bit blocks
// restores column order (out_L = [q0.L, q1.L, q2.L, q3.L]).
inline std::uint32_t sum_lanes(__m512i v) {
  const __m256i s8 = _mm256_add_epi32(_mm512_maskz_extracti32x8_epi32(0xff, v, 0), _mm512_maskz_extracti32x8_epi32(0xff, v, 1));
  const __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s8), _mm256_extracti128_si256(s8, 1));
  const __m128i s2 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4e));
  return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_add_epi32(s2, _mm_shuffle_epi32(s2, 0xb1))));
}

inline void transpose_blocks(__m512i& q0, __m512i& q1, __m512i& q2, __m512i& q3) {
  // Two-source permutes (not shuffle_i32x4, which trips GCC PR 105593 as well).
  const __m512i low_pairs = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const __m512i high_pairs = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  const __m512i first_halves = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  const __m512i second_halves = _mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  const __m512i t0 = _mm512_permutex2var_epi32(q0, low_pairs, q1);   // q0.L0 q1.L0 q0.L1 q1.L1
  const __m512i t1 = _mm512_permutex2var_epi32(q2, low_pairs, q3);   // q2.L0 q3.L0 q2.L1 q3.L1
  const __m512i t2 = _mm512_permutex2var_epi32(q0, high_pairs, q1);  // q0.L2 q1.L2 q0.L3 q1.L3
  const __m512i t3 = _mm512_permutex2var_epi32(q2, high_pairs, q3);
  q0 = _mm512_permutex2var_epi32(t0, first_halves, t1);
  q1 = _mm512_permutex2var_epi32(t0, second_halves, t1);
  q2 = _mm512_permutex2var_epi32(t2, first_halves, t3);
  q3 = _mm512_permutex2var_epi32(t2, second_halves, t3);
}

// Interleaves k rows of a 64-column int8 B tile into quads (4 K rows per dword lane), made
// unsigned (+128), 4 vectors per quad: vector j lane 4L+i holds column 16L + 4j + i. Rows past
// k are zero (their A bytes are zero too). Prefetches the next tile's rows on the way.
void pack_quads(const std::int8_t* b, std::int64_t ldb, std::int64_t k, int nb, const std::int8_t* prefetch,
                __m512i* packed) {
  const __mmask64 b_mask = mask64(nb);
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i zero = _mm512_setzero_si512();
  for (std::int64_t kk = 0; kk < k; kk += 4) {
    __m512i r[4];
    for (int i = 0; i < 4; ++i) {
      r[i] = kk + i < k ? _mm512_xor_si512(_mm512_maskz_loadu_epi8(b_mask, b + (kk + i) * ldb), flip) : zero;
      if (prefetch && kk + i < k) _mm_prefetch(reinterpret_cast<const char*>(prefetch + (kk + i) * ldb), _MM_HINT_T0);
    }
    const __m512i t0 = _mm512_unpacklo_epi8(r[0], r[1]), t1 = _mm512_unpackhi_epi8(r[0], r[1]);
    const __m512i t2 = _mm512_unpacklo_epi8(r[2], r[3]), t3 = _mm512_unpackhi_epi8(r[2], r[3]);
    _mm512_store_si512(packed + kk, _mm512_unpacklo_epi16(t0, t2));
    _mm512_store_si512(packed + kk + 1, _mm512_unpackhi_epi16(t0, t2));
    _mm512_store_si512(packed + kk + 2, _mm512_unpacklo_epi16(t1, t3));
    _mm512_store_si512(packed + kk + 3, _mm512_unpackhi_epi16(t1, t3));
  }
}

template <int MR>
void tile_int8(const std::int8_t* a, std::int64_t lda, const __m512i* packed, std::int32_t* c, std::int64_t ldc,
               std::int64_t k, int nb, bool load_c) {
  __m512i acc[MR][4];
  unroll<MR>([&](auto r) { unroll<4>([&](auto j) { acc[r][j] = _mm512_setzero_si512(); }); });
  std::int64_t kk = 0;
  for (; kk + 4 <= k; kk += 4) {
    const __m512i q0 = _mm512_load_si512(packed + kk), q1 = _mm512_load_si512(packed + kk + 1);
    const __m512i q2 = _mm512_load_si512(packed + kk + 2), q3 = _mm512_load_si512(packed + kk + 3);
    unroll<MR>([&](auto r) {
      std::int32_t quad;
      std::memcpy(&quad, a + r * lda + kk, 4);
      const __m512i aq = _mm512_set1_epi32(quad);
      acc[r][0] = dot_u8s8(acc[r][0], q0, aq);
      acc[r][1] = dot_u8s8(acc[r][1], q1, aq);
      acc[r][2] = dot_u8s8(acc[r][2], q2, aq);
      acc[r][3] = dot_u8s8(acc[r][3], q3, aq);
    });
  }
  if (kk < k) {  // K tail: A's missing bytes are zero
    const __m512i q0 = _mm512_load_si512(packed + kk), q1 = _mm512_load_si512(packed + kk + 1);
    const __m512i q2 = _mm512_load_si512(packed + kk + 2), q3 = _mm512_load_si512(packed + kk + 3);
    unroll<MR>([&](auto r) {
      const __m512i aq = broadcast_quad(a + r * lda + kk, k - kk);
      acc[r][0] = dot_u8s8(acc[r][0], q0, aq);
      acc[r][1] = dot_u8s8(acc[r][1], q1, aq);
      acc[r][2] = dot_u8s8(acc[r][2], q2, aq);
      acc[r][3] = dot_u8s8(acc[r][3], q3, aq);
    });
  }
  unroll<MR>([&](auto r) {
    std::int32_t row_sum = 0;
    for (std::int64_t i = 0; i < k; ++i) row_sum += a[r * lda + i];
    const __m512i correction = _mm512_set1_epi32(static_cast<std::int32_t>(static_cast<std::uint32_t>(row_sum) << 7));
    // Copies, so the accumulators never have their address taken (they stay in registers).
    __m512i q[4] = {acc[r][0], acc[r][1], acc[r][2], acc[r][3]};
    transpose_blocks(q[0], q[1], q[2], q[3]);
    for (int j = 0; j < 4; ++j) {
      const __mmask16 m = mask16(nb - 16 * j);
      if (!m) break;
      __m512i v = _mm512_sub_epi32(q[j], correction);
      if (load_c) v = _mm512_add_epi32(v, _mm512_maskz_loadu_epi32(m, c + r * ldc + 16 * j));
      _mm512_mask_storeu_epi32(c + r * ldc + 16 * j, m, v);
    }
  });
}

using Int8Tile = void (*)(const std::int8_t*, std::int64_t, const __m512i*, std::int32_t*, std::int64_t, std::int64_t,
                          int, bool);
constexpr Int8Tile kInt8Tiles[] = {tile_int8<1>, tile_int8<2>, tile_int8<3>, tile_int8<4>, tile_int8<5>, tile_int8<6>};

// The streaming order of bf16, with 512-row K chunks and 64-column tiles, each packed once
// (quads, +128) into an L1 buffer while the next tile is prefetched, then 6-row blocks of A.
void int8_row_major(const MatmulArgs& g) {
  constexpr int kRows = 6, kCols = 64;
  constexpr std::int64_t kChunk = 512;  // 512 x 64 int8 = 32 KB per packed tile
  const auto* a = static_cast<const std::int8_t*>(g.a);
  const auto* b = static_cast<const std::int8_t*>(g.b);
  auto* c = static_cast<std::int32_t*>(g.c);
  alignas(64) thread_local __m512i packed[kChunk];
  for (std::int64_t k0 = 0; k0 < g.k; k0 += kChunk) {
    const std::int64_t kc = min_of(kChunk, g.k - k0);
    const bool load_c = g.accumulate || k0 > 0;
    for (std::int64_t n0 = 0; n0 < g.n; n0 += kCols) {
      const int nb = static_cast<int>(min_of(kCols, g.n - n0));
      const std::int8_t* tile_b = b + k0 * g.ldb + n0;
      pack_quads(tile_b, g.ldb, kc, nb, n0 + kCols < g.n ? tile_b + kCols : nullptr, packed);
      for (std::int64_t m0 = 0; m0 < g.m; m0 += kRows) {
        const int mr = static_cast<int>(min_of(kRows, g.m - m0));
        kInt8Tiles[mr - 1](a + m0 * g.lda + k0, g.lda, packed, c + m0 * g.ldc + n0, g.ldc, kc, nb, load_c);
      }
    }
  }
}

template <int MR, int NR>
void dot_tile_int8(const std::int8_t* a, std::int64_t lda, const std::int8_t* bt, std::int64_t ldb, std::int32_t* c,
                   std::int64_t ldc, std::int64_t k, bool accumulate) {
  __m512i acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_setzero_si512();
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (std::int64_t k0 = 0; k0 < k; k0 += 64) {
    const __mmask64 km = mask64(static_cast<int>(min_of(64, k - k0)));
    __m512i av[MR], bv[NR];
    for (int i = 0; i < MR; ++i) av[i] = _mm512_maskz_loadu_epi8(km, a + i * lda + k0);
    for (int j = 0; j < NR; ++j) bv[j] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(km, bt + j * ldb + k0), flip);
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) acc[i][j] = dot_u8s8(acc[i][j], bv[j], av[i]);
  }
  for (int i = 0; i < MR; ++i) {
    std::int32_t row_sum = 0;
    for (std::int64_t kk = 0; kk < k; ++kk) row_sum += a[i * lda + kk];
    for (int j = 0; j < NR; ++j) {
      const std::uint32_t s = sum_lanes(acc[i][j]) -
                              (static_cast<std::uint32_t>(row_sum) << 7);
      const std::uint32_t old = accumulate ? static_cast<std::uint32_t>(c[i * ldc + j]) : 0u;
      c[i * ldc + j] = static_cast<std::int32_t>(old + s);
    }
  }
}

template <int MR>
void dot_row_block_int8(const MatmulArgs& g, std::int64_t m0) {
  const auto* a = static_cast<const std::int8_t*>(g.a) + m0 * g.lda;
  const auto* bt = static_cast<const std::int8_t*>(g.b);
  auto* c = static_cast<std::int32_t*>(g.c) + m0 * g.ldc;
  std::int64_t n0 = 0;
  for (; n0 + 4 <= g.n; n0 += 4) dot_tile_int8<MR, 4>(a, g.lda, bt + n0 * g.ldb, g.ldb, c + n0, g.ldc, g.k, g.accumulate);
  for (; n0 < g.n; ++n0) dot_tile_int8<MR, 1>(a, g.lda, bt + n0 * g.ldb, g.ldb, c + n0, g.ldc, g.k, g.accumulate);
}

void int8_transposed(const MatmulArgs& g) {
  std::int64_t m0 = 0;
  for (; m0 + 4 <= g.m; m0 += 4) dot_row_block_int8<4>(g, m0);
  for (; m0 < g.m; ++m0) dot_row_block_int8<1>(g, m0);
}

}  // namespace

void matmul_bf16_avx512(const MatmulArgs& g) {
  if (g.b_transposed) bf16_transposed(g);
  else bf16_row_major(g);
}

void matmul_int8_avx512(const MatmulArgs& g) {
  if (g.b_transposed) int8_transposed(g);
  else int8_row_major(g);
}

}  // namespace tg::kernels::detail
