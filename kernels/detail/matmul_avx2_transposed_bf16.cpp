// The AVX2 bf16 matmul with transposed B (C = A @ Bt^T, Bt [N, K]: the V4 o_proj_a and the
// attention scores), in the documented transposed order (matmul.hpp): per C element 16 lane
// sums, lane l taking the pairs (32j+2l, 32j+2l+1), odd element then even; lanes combined as
// a tree (l + l^8, +4, +2, +1); then C + sum when accumulating.
// The 16 dwords of a 32-element run of a row are exactly the pairs of lanes 0-15: a dword's
// high half is the odd element (and with 0xffff0000), its low half shifted up the even one.
// Lanes 0-7 (the run's first 32 bytes, "lo") and 8-15 ("hi") never mix before the tree, so
// a K chunk is done in two passes, lo then hi, each with one ymm per C element: the register
// tile is 4 rows of A x 3 Bt rows (12 accumulators, 3 B, 1 A), where keeping both halves
// allowed only 4 x 1 (8 accumulators, 20 loads per 16 FMAs: ~0.4 of the FMA peak). Bt is
// read where it lies (no split pass): 3 loads + 3 and, 3 loads + 3 shifts, 8 A loads per 24
// FMAs; the hi pass finds the chunk in L1. A is split into fp32 lanes once per call.
// A bf16 product is exact in fp32, so each FMA rounds once like the portable lane + a * b
// (they differ only for a product below 2^-126 or an overflow, as on the row-major paths).
// A K tail is read from zero-padded copies: 0 * 0 adds +0 to a lane, which leaves it
// unchanged (a lane that starts at +0 never becomes -0).
// Cost: O(M*N*K); Bt read from memory once per call (a group's chunk re-read from L2 per row
// block); A split once, one row block's K chunk kept in L1 while a group of Bt rows passes
// it; lane sums kept per (Bt row, A row) between chunks.
#include <cstring>

#include "kernels/detail/matmul_avx2_common.hpp"

namespace tg::kernels::detail {
namespace {

constexpr int kTileRows = 4;        // rows of A per register tile
constexpr int kTileBt = 3;          // Bt rows per register tile
constexpr std::int64_t kRun = 32;   // K elements per lane step: 16 lanes x one pair
constexpr std::int64_t kSplitRun = 32;  // floats of a split A run: [odd lo, even lo, odd hi, even hi] x 8
constexpr std::int64_t kGroupTiles = 4;  // Bt tiles (of 3 rows) per pass over a K chunk
constexpr std::int64_t kLanes = 16;
constexpr std::int64_t kBlockRun = kTileRows * kSplitRun;  // floats of one run of a row block of split A

alignas(32) const std::uint32_t kHighHalves[8] = {0xffff0000u, 0xffff0000u, 0xffff0000u, 0xffff0000u,
                                                  0xffff0000u, 0xffff0000u, 0xffff0000u, 0xffff0000u};

inline __m256 odd_of(__m256i dwords) { return _mm256_castsi256_ps(_mm256_and_si256(dwords, _mm256_set1_epi32(-65536))); }
inline __m256 even_of(__m256i dwords) { return _mm256_castsi256_ps(_mm256_slli_epi32(dwords, 16)); }
inline __m256i load8(const std::uint16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

// The tree of the 16 lanes (lo: 0-7, hi: 8-15) in the documented order.
inline float reduce_lanes(__m256 lo, __m256 hi) {
  const __m256 l8 = _mm256_add_ps(lo, hi);                                                   // l + l^8
  const __m128 l4 = _mm_add_ps(_mm256_castps256_ps128(l8), _mm256_extractf128_ps(l8, 1));  // + 4
  const __m128 l2 = _mm_add_ps(l4, _mm_movehl_ps(l4, l4));                                  // + 2
  const __m128 l1 = _mm_add_ss(l2, _mm_shuffle_ps(l2, l2, 1));                              // + 1
  return _mm_cvtss_f32(l1);
}

// Splits the runs of a bf16 row (zero-padded past k) into fp32 lanes, `runs` of them, run r
// at out + r * out_stride floats (a_split's layout: one row's runs are a block's runs apart).
void split_row(const std::uint16_t* row, std::int64_t k, std::int64_t runs, float* out, std::int64_t out_stride) {
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
    float* o = out + r * out_stride;
    _mm256_store_ps(o, odd_of(d0));
    _mm256_store_ps(o + 8, even_of(d0));
    _mm256_store_ps(o + 16, odd_of(d1));
    _mm256_store_ps(o + 24, even_of(d1));
  }
}

// One half (lo or hi) of MR x NB lane sums over `runs` runs. a: the half's first split float
// of the row block's first run (rows kSplitRun floats apart, runs kBlockRun apart); b: the
// half's first element of Bt row 0 (rows ldb elements apart); state: 16 floats per (Bt row j,
// A row r) at state + (j * m + r) * 16, the half's 8 at `half` floats in.
template <int MR, int NB>
void half_tile(const float* a, const std::uint16_t* b, std::int64_t ldb, std::int64_t runs, float* state,
               std::int64_t m, int half) {
  __m256 acc[MR][NB];
  unroll<MR>([&](auto r) { unroll<NB>([&](auto j) { acc[r][j] = _mm256_load_ps(state + (j * m + r) * kLanes + half); }); });
  for (std::int64_t run = 0; run < runs; ++run) {
    __m256 bv[NB];
    unroll<NB>([&](auto j) { bv[j] = odd_of(load8(b + j * ldb + run * kRun)); });
    unroll<MR>([&](auto r) {
      const __m256 av = _mm256_load_ps(a + run * kBlockRun + r * kSplitRun);
      unroll<NB>([&](auto j) { acc[r][j] = _mm256_fmadd_ps(av, bv[j], acc[r][j]); });
    });
    unroll<NB>([&](auto j) { bv[j] = even_of(load8(b + j * ldb + run * kRun)); });
    unroll<MR>([&](auto r) {
      const __m256 av = _mm256_load_ps(a + run * kBlockRun + r * kSplitRun + 8);
      unroll<NB>([&](auto j) { acc[r][j] = _mm256_fmadd_ps(av, bv[j], acc[r][j]); });
    });
  }
  unroll<MR>([&](auto r) { unroll<NB>([&](auto j) { _mm256_store_ps(state + (j * m + r) * kLanes + half, acc[r][j]); }); });
}

// The full 4 x 3 tile needs all 16 ymm registers (12 accumulators, 3 B, 1 A) with the mask
// read from memory; written out so that no accumulator is spilled (GCC 12 spilled the
// row-major kernel's 12-accumulator tile written with intrinsics). Per run: 3 loads + 3 vandps,
// 4 A loads, 12 FMAs (the odd elements), then 3 loads + 3 vpslld, 4 A loads, 12 FMAs (even).
// One counter (rax) indexes B (64 bytes a run) and A (x8: 512 bytes a run): asm takes at
// most 30 operands, and the 12 accumulators are 24 of them.
template <>
void half_tile<4, 3>(const float* a, const std::uint16_t* b, std::int64_t ldb, std::int64_t runs, float* state,
                     std::int64_t m, int half) {
  __m256 acc[4][3];
  unroll<4>([&](auto r) { unroll<3>([&](auto j) { acc[r][j] = _mm256_load_ps(state + (j * m + r) * kLanes + half); }); });
  if (runs > 0) {
    const std::uint16_t *b1 = b + ldb, *b2 = b + 2 * ldb;
    const std::int64_t end = runs * kRun * static_cast<std::int64_t>(sizeof(std::uint16_t));
#define TG_ROW(off, r)                                  \
  "vmovaps " #off "(%[a],%%rax,8), %%ymm15\n\t"          \
  "vfmadd231ps %%ymm12, %%ymm15, %[c" #r "0]\n\t"       \
  "vfmadd231ps %%ymm13, %%ymm15, %[c" #r "1]\n\t"       \
  "vfmadd231ps %%ymm14, %%ymm15, %[c" #r "2]\n\t"
    asm volatile(
        "xor %%eax, %%eax\n\t"
        "1:\n\t"
        "vmovdqu (%[b0],%%rax), %%ymm12\n\t"
        "vmovdqu (%[b1],%%rax), %%ymm13\n\t"
        "vmovdqu (%[b2],%%rax), %%ymm14\n\t"
        "vandps %[high], %%ymm12, %%ymm12\n\t"
        "vandps %[high], %%ymm13, %%ymm13\n\t"
        "vandps %[high], %%ymm14, %%ymm14\n\t"
        TG_ROW(0, 0) TG_ROW(128, 1) TG_ROW(256, 2) TG_ROW(384, 3)
        "vmovdqu (%[b0],%%rax), %%ymm12\n\t"
        "vmovdqu (%[b1],%%rax), %%ymm13\n\t"
        "vmovdqu (%[b2],%%rax), %%ymm14\n\t"
        "vpslld $16, %%ymm12, %%ymm12\n\t"
        "vpslld $16, %%ymm13, %%ymm13\n\t"
        "vpslld $16, %%ymm14, %%ymm14\n\t"
        TG_ROW(32, 0) TG_ROW(160, 1) TG_ROW(288, 2) TG_ROW(416, 3)
        "add $64, %%rax\n\t"
        "cmp %[end], %%rax\n\t"
        "jne 1b\n\t"
        : [c00] "+x"(acc[0][0]), [c01] "+x"(acc[0][1]), [c02] "+x"(acc[0][2]), [c10] "+x"(acc[1][0]),
          [c11] "+x"(acc[1][1]), [c12] "+x"(acc[1][2]), [c20] "+x"(acc[2][0]), [c21] "+x"(acc[2][1]),
          [c22] "+x"(acc[2][2]), [c30] "+x"(acc[3][0]), [c31] "+x"(acc[3][1]), [c32] "+x"(acc[3][2])
        : [a] "r"(a), [b0] "r"(b), [b1] "r"(b1), [b2] "r"(b2), [end] "r"(end),
          [high] "m"(*reinterpret_cast<const __m256i*>(kHighHalves))
        : "rax", "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
#undef TG_ROW
  }
  unroll<4>([&](auto r) { unroll<3>([&](auto j) { _mm256_store_ps(state + (j * m + r) * kLanes + half, acc[r][j]); }); });
}

using HalfTile = void (*)(const float*, const std::uint16_t*, std::int64_t, std::int64_t, float*, std::int64_t, int);
constexpr HalfTile kHalfTiles[kTileRows][kTileBt] = {
    {half_tile<1, 1>, half_tile<1, 2>, half_tile<1, 3>},
    {half_tile<2, 1>, half_tile<2, 2>, half_tile<2, 3>},
    {half_tile<3, 1>, half_tile<3, 2>, half_tile<3, 3>},
    {half_tile<4, 1>, half_tile<4, 2>, half_tile<4, 3>},
};

// Both halves of the row blocks of A rows [i_lo, i_hi) against nb (<= 3) Bt rows over `runs`
// runs from run0; a_split: [row block][run][4 rows][32 floats], `runs_total` runs per block.
void bt_tile_chunk(const float* a_split, std::int64_t runs_total, std::int64_t run0, std::int64_t m, std::int64_t i_lo,
                   std::int64_t i_hi, const std::uint16_t* b, std::int64_t ldb, int nb, std::int64_t runs, float* state) {
  for (std::int64_t i0 = i_lo; i0 < i_hi; i0 += kTileRows) {
    const int mr = static_cast<int>(min_of(kTileRows, m - i0));
    const HalfTile tile = kHalfTiles[mr - 1][nb - 1];
    const float* a = a_split + ((i0 / kTileRows) * runs_total + run0) * kBlockRun;
    tile(a, b, ldb, runs, state + i0 * kLanes, m, 0);
    tile(a + 16, b + 16, ldb, runs, state + i0 * kLanes, m, 8);
  }
}

}  // namespace

void matmul_bf16_transposed_avx2(const MatmulArgs& g) {
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* bt = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  const std::int64_t runs = (g.k + kRun - 1) / kRun, full_runs = g.k / kRun;
  const std::int64_t blocks = (g.m + kTileRows - 1) / kTileRows;
  // K chunk: one row block's split A runs (512 bytes each) within 16 KB of L1: row blocks go
  // outside the tiles of a group, so only one block's chunk must stay in L1 while the group's
  // Bt chunk (12 rows x 2 KB) comes back from L2 for the next block. Per-call accumulator
  // round trips fell 2x (M 8) to 4x (M 16) against the whole A chunk in 16 KB: M 16 x K 512 x
  // N 128 (the scores) 42.6 -> 47.8 GFLOP/s median of 8 alternating runs, M 8 x K 4096 x N 512
  // unchanged (55.1 / 54.6); shared Zen 3.
  const std::int64_t chunk_runs = 16384 / (kBlockRun * 4);
  constexpr std::int64_t kGroupRows = kGroupTiles * kTileBt;
  float* a_split = scratch<float>(0, blocks * runs * kBlockRun + kGroupRows * g.m * kLanes);
  float* state = a_split + blocks * runs * kBlockRun;  // lanes of every (Bt row, A row) of a group
  // Split in place (was: into a stack buffer, then a 128-byte memcpy per run and row).
  for (std::int64_t i = 0; i < g.m; ++i)
    split_row(a + i * g.lda, g.k, runs, a_split + (i / kTileRows) * runs * kBlockRun + (i % kTileRows) * kSplitRun,
              kBlockRun);
  alignas(32) std::uint16_t tail[kTileBt * kRun];  // the partial last run of a tile's rows, zero-padded
  for (std::int64_t j0 = 0; j0 < g.n; j0 += kGroupRows) {
    const std::int64_t nj = min_of(kGroupRows, g.n - j0);
    std::memset(state, 0, static_cast<std::size_t>(nj * g.m * kLanes) * sizeof(float));
    for (std::int64_t run0 = 0; run0 < runs; run0 += chunk_runs) {
      const std::int64_t chunk = min_of(chunk_runs, runs - run0);
      const std::int64_t whole = min_of(chunk, full_runs - run0 > 0 ? full_runs - run0 : 0);
      for (std::int64_t i0 = 0; i0 < g.m; i0 += kTileRows) {
        const std::int64_t i1 = min_of(g.m, i0 + kTileRows);
        for (std::int64_t t0 = 0; t0 < nj; t0 += kTileBt) {
          const int nb = static_cast<int>(min_of(kTileBt, nj - t0));
          float* tile_state = state + t0 * g.m * kLanes;
          const std::uint16_t* rows = bt + (j0 + t0) * g.ldb;
          if (whole > 0)
            bt_tile_chunk(a_split, runs, run0, g.m, i0, i1, rows + run0 * kRun, g.ldb, nb, whole, tile_state);
          if (whole < chunk) {  // the K tail (the chunk's last run): from zero-padded copies
            std::memset(tail, 0, sizeof tail);
            const std::int64_t k0 = full_runs * kRun;
            for (int j = 0; j < nb; ++j)
              std::memcpy(tail + j * kRun, rows + j * g.ldb + k0, static_cast<std::size_t>(g.k - k0) * sizeof(std::uint16_t));
            bt_tile_chunk(a_split, runs, full_runs, g.m, i0, i1, tail, kRun, nb, 1, tile_state);
          }
        }
      }
    }
    for (std::int64_t j = 0; j < nj; ++j)
      for (std::int64_t i = 0; i < g.m; ++i) {
        const float* lanes = state + (j * g.m + i) * kLanes;
        const float sum = reduce_lanes(_mm256_load_ps(lanes), _mm256_load_ps(lanes + 8));
        float* out = c + i * g.ldc + j0 + j;
        *out = g.accumulate ? *out + sum : sum;
      }
  }
}

}  // namespace tg::kernels::detail
