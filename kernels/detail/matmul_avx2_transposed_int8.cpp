// The AVX2 int8 matmul with transposed B (C = A @ Bt^T, Bt [N, K]: the V4 o_proj_b). Integer
// sums are exact, so any order gives the scalar path's result (int32 wrapping modulo 2^32):
// A widened to int16 once per call; the register tile is 4 rows of A x 2 Bt rows (8 int32
// accumulators, 2 Bt vectors widened by vpmovsxbw from memory, 1 A vector, 1 product):
// per 16 K elements 2 + 4 loads, 8 vpmaddwd, 8 vpaddd, where one Bt row against 4 rows
// needed 5 loads per 4 vpmaddwd (A re-read for every Bt row) and ran at ~0.4 of the int8
// peak. K goes in chunks whose widened A rows stay in L1; each chunk's sums are added
// into C (the same integer in any grouping).
// Cost: O(M*N*K); each Bt row read once per call, A widened once per call.
#include <cstring>

#include "kernels/detail/matmul_avx2_common.hpp"

namespace tg::kernels::detail {
namespace {

constexpr int kTileRows = 4;          // rows of A per register tile
constexpr int kTileBt = 2;            // Bt rows per register tile
constexpr std::int64_t kStep = 16;    // int8 elements per vpmaddwd step
constexpr std::int64_t kGroupRows = 32;  // Bt rows per pass over a K chunk

inline std::uint32_t sum_lanes(__m256i v) {
  const __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  const __m128i s2 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4e));
  return static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_add_epi32(s2, _mm_shuffle_epi32(s2, 0xb1))));
}

// c[r * ldc + j] (+)= sum over `steps` steps of A rows r < MR (a16 + r * a_stride) times Bt
// rows j < NB (bt + j * ldb); add: add to C (a later chunk or accumulate), else store.
template <int MR, int NB>
void tile(const std::int16_t* a16, std::int64_t a_stride, const std::int8_t* bt, std::int64_t ldb, std::int64_t steps,
          std::int32_t* c, std::int64_t ldc, bool add) {
  __m256i acc[MR][NB];
  unroll<MR>([&](auto r) { unroll<NB>([&](auto j) { acc[r][j] = _mm256_setzero_si256(); }); });
  for (std::int64_t s = 0; s < steps; ++s) {
    __m256i b[NB];
    unroll<NB>([&](auto j) {
      b[j] = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bt + j * ldb + s * kStep)));
    });
    unroll<MR>([&](auto r) {
      const __m256i a = _mm256_load_si256(reinterpret_cast<const __m256i*>(a16 + r * a_stride + s * kStep));
      unroll<NB>([&](auto j) { acc[r][j] = _mm256_add_epi32(acc[r][j], _mm256_madd_epi16(a, b[j])); });
    });
  }
  unroll<MR>([&](auto r) {
    unroll<NB>([&](auto j) {
      std::int32_t* out = c + r * ldc + j;
      const std::uint32_t sum = sum_lanes(acc[r][j]);
      *out = static_cast<std::int32_t>(add ? static_cast<std::uint32_t>(*out) + sum : sum);
    });
  });
}

// The full 4 x 2 tile written out: GCC 12 kept A as a memory operand of every vpmaddwd (8 A
// loads per step instead of 4, plus 8 register copies). Per step: 2 vpmovsxbw loads, 4 A
// loads, 8 vpmaddwd, 8 vpaddd; one counter (rax) indexes Bt (16 bytes a step) and A (x2).
template <>
void tile<4, 2>(const std::int16_t* a16, std::int64_t a_stride, const std::int8_t* bt, std::int64_t ldb,
                std::int64_t steps, std::int32_t* c, std::int64_t ldc, bool add) {
  __m256i acc[4][2];
  unroll<4>([&](auto r) { unroll<2>([&](auto j) { acc[r][j] = _mm256_setzero_si256(); }); });
  if (steps > 0) {
    const std::int64_t end = steps * kStep;
    const std::int8_t* bt1 = bt + ldb;
    // The next tile's two Bt rows at the same K offset: a pass over a chunk reads 1 KB pieces
    // of rows 8 KB apart (K 8192), a pattern the hardware prefetchers do not follow.
    const std::int8_t* next0 = bt + kTileBt * ldb;
    const std::int8_t* next1 = next0 + ldb;
#define TG_ROW(addr, r)                               \
  "vmovdqa " addr ", %%ymm15\n\t"                     \
  "vpmaddwd %%ymm12, %%ymm15, %%ymm14\n\t"            \
  "vpaddd %%ymm14, %[c" #r "0], %[c" #r "0]\n\t"     \
  "vpmaddwd %%ymm13, %%ymm15, %%ymm14\n\t"            \
  "vpaddd %%ymm14, %[c" #r "1], %[c" #r "1]\n\t"
    asm volatile(
        "xor %%eax, %%eax\n\t"
        "1:\n\t"
        "vpmovsxbw (%[b0],%%rax), %%ymm12\n\t"
        "vpmovsxbw (%[b1],%%rax), %%ymm13\n\t"
        "prefetcht0 (%[n0],%%rax)\n\t"
        "prefetcht0 (%[n1],%%rax)\n\t"
        TG_ROW("(%[a0],%%rax,2)", 0) TG_ROW("(%[a1],%%rax,2)", 1) TG_ROW("(%[a2],%%rax,2)", 2)
        TG_ROW("(%[a3],%%rax,2)", 3)
        "add $16, %%rax\n\t"
        "cmp %[end], %%rax\n\t"
        "jne 1b\n\t"
        : [c00] "+x"(acc[0][0]), [c01] "+x"(acc[0][1]), [c10] "+x"(acc[1][0]), [c11] "+x"(acc[1][1]),
          [c20] "+x"(acc[2][0]), [c21] "+x"(acc[2][1]), [c30] "+x"(acc[3][0]), [c31] "+x"(acc[3][1])
        : [a0] "r"(a16), [a1] "r"(a16 + a_stride), [a2] "r"(a16 + 2 * a_stride), [a3] "r"(a16 + 3 * a_stride),
          [b0] "r"(bt), [b1] "r"(bt1), [n0] "r"(next0), [n1] "r"(next1), [end] "r"(end)
        : "rax", "xmm12", "xmm13", "xmm14", "xmm15", "cc", "memory");
#undef TG_ROW
  }
  unroll<4>([&](auto r) {
    unroll<2>([&](auto j) {
      std::int32_t* out = c + r * ldc + j;
      const std::uint32_t sum = sum_lanes(acc[r][j]);
      *out = static_cast<std::int32_t>(add ? static_cast<std::uint32_t>(*out) + sum : sum);
    });
  });
}

using Tile = void (*)(const std::int16_t*, std::int64_t, const std::int8_t*, std::int64_t, std::int64_t, std::int32_t*,
                      std::int64_t, bool);
constexpr Tile kTiles[kTileRows][kTileBt] = {
    {tile<1, 1>, tile<1, 2>}, {tile<2, 1>, tile<2, 2>}, {tile<3, 1>, tile<3, 2>}, {tile<4, 1>, tile<4, 2>}};

}  // namespace

void matmul_int8_transposed_avx2(const MatmulArgs& g) {
  const auto* a = static_cast<const std::int8_t*>(g.a);
  const auto* bt = static_cast<const std::int8_t*>(g.b);
  auto* c = static_cast<std::int32_t*>(g.c);
  // A widened once: rows padded to whole steps with zeros (they add 0 * 0).
  const std::int64_t a_stride = (g.k + kStep - 1) / kStep * kStep, steps = a_stride / kStep, full = g.k / kStep;
  std::int16_t* a16 = scratch<std::int16_t>(1, g.m * a_stride);
  for (std::int64_t i = 0; i < g.m; ++i) {
    std::int16_t* row = a16 + i * a_stride;
    const std::int8_t* src = a + i * g.lda;
    std::int64_t kk = 0;
    for (; kk + kStep <= g.k; kk += kStep)  // 16 at a time (was one compare per element)
      _mm256_store_si256(reinterpret_cast<__m256i*>(row + kk),
                         _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + kk))));
    for (; kk < a_stride; ++kk) row[kk] = kk < g.k ? src[kk] : 0;
  }
  // K chunk: the widened A rows of one chunk (m x chunk x 2 bytes) within ~32 KB of L1 (M 8,
  // K 8192: 64 -> 73 Gop/s against 16 KB, 64 KB no better; shared Zen 3, alternating runs).
  const std::int64_t fit = 32768 / (g.m * kStep * 2);
  const std::int64_t chunk_steps = fit > 4 ? fit : 4;
  alignas(16) std::int8_t tail[kTileBt * kStep];  // the partial last step of a tile's rows, zero-padded
  for (std::int64_t j0 = 0; j0 < g.n; j0 += kGroupRows) {
    const std::int64_t nj = min_of(kGroupRows, g.n - j0);
    for (std::int64_t s0 = 0; s0 < steps; s0 += chunk_steps) {
      const std::int64_t chunk = min_of(chunk_steps, steps - s0);
      const std::int64_t whole = min_of(chunk, full - s0 > 0 ? full - s0 : 0);
      const bool add = g.accumulate || s0 > 0;
      for (std::int64_t t0 = 0; t0 < nj; t0 += kTileBt) {
        const int nb = static_cast<int>(min_of(kTileBt, nj - t0));
        const std::int8_t* rows = bt + (j0 + t0) * g.ldb;
        if (whole < chunk) {  // the K tail (the chunk's last step): from zero-padded copies
          std::memset(tail, 0, sizeof tail);
          for (int j = 0; j < nb; ++j)
            std::memcpy(tail + j * kStep, rows + j * g.ldb + full * kStep, static_cast<std::size_t>(g.k - full * kStep));
        }
        for (std::int64_t i0 = 0; i0 < g.m; i0 += kTileRows) {
          const int mr = static_cast<int>(min_of(kTileRows, g.m - i0));
          const Tile run = kTiles[mr - 1][nb - 1];
          std::int32_t* c_tile = c + i0 * g.ldc + j0 + t0;
          const std::int16_t* a_rows = a16 + i0 * a_stride;
          bool added = add;
          if (whole > 0) {
            run(a_rows + s0 * kStep, a_stride, rows + s0 * kStep, g.ldb, whole, c_tile, g.ldc, added);
            added = true;
          }
          if (whole < chunk) run(a_rows + full * kStep, a_stride, tail, kStep, 1, c_tile, g.ldc, added);
        }
      }
    }
  }
}

}  // namespace tg::kernels::detail
