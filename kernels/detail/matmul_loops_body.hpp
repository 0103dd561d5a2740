// Portable matmul loops: the reference for the summation order every path follows
// (matmul.hpp). Compiled plain (matmul_scalar.cpp) and with AVX2 + FMA
// (the AVX2 files, for transposed B), where the compiler vectorizes them in the same order.
// Cost: O(M * N * K); row-major B is walked row by row so the inner loop runs along N.
// Included only by those files; no std templates here (an instantiation compiled with
// AVX2 could be picked by the linker for the scalar path).
#include <cstdint>

#include "kernels/detail/matmul_paths.hpp"

namespace tg::kernels::detail {
namespace {

inline float widen(std::uint16_t bits) { return __builtin_bit_cast(float, static_cast<std::uint32_t>(bits) << 16); }

void bf16_row_major(const MatmulArgs& g) {
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* b = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  for (std::int64_t i = 0; i < g.m; ++i) {
    float* crow = c + i * g.ldc;
    if (!g.accumulate)
      for (std::int64_t j = 0; j < g.n; ++j) crow[j] = 0.0f;
    const std::uint16_t* arow = a + i * g.lda;
    std::int64_t kk = 0;
    for (; kk + 2 <= g.k; kk += 2) {
      const float a_even = widen(arow[kk]), a_odd = widen(arow[kk + 1]);
      const std::uint16_t* b_even_row = b + kk * g.ldb;
      const std::uint16_t* b_odd_row = b_even_row + g.ldb;
      for (std::int64_t j = 0; j < g.n; ++j) {
        const float odd = crow[j] + a_odd * widen(b_odd_row[j]);  // vdpbf16ps: odd element first
        crow[j] = odd + a_even * widen(b_even_row[j]);
      }
    }
    if (kk < g.k) {  // odd K: the missing odd partner is a zero pair
      const float a_even = widen(arow[kk]);
      const std::uint16_t* b_even_row = b + kk * g.ldb;
      for (std::int64_t j = 0; j < g.n; ++j) crow[j] = (crow[j] + 0.0f) + a_even * widen(b_even_row[j]);
    }
  }
}

void bf16_transposed(const MatmulArgs& g) {
  constexpr int kLanes = 16;
  const auto* a = static_cast<const std::uint16_t*>(g.a);
  const auto* bt = static_cast<const std::uint16_t*>(g.b);
  auto* c = static_cast<float*>(g.c);
  for (std::int64_t i = 0; i < g.m; ++i) {
    const std::uint16_t* arow = a + i * g.lda;
    for (std::int64_t j = 0; j < g.n; ++j) {
      const std::uint16_t* brow = bt + j * g.ldb;
      float lanes[kLanes] = {};
      for (std::int64_t k0 = 0; k0 < g.k; k0 += 2 * kLanes)
        for (int l = 0; l < kLanes; ++l) {
          const std::int64_t ke = k0 + 2 * l;
          // Pairs past K are zero: adding +0 to a lane that started at +0 changes nothing.
          if (ke + 1 < g.k) lanes[l] = lanes[l] + widen(arow[ke + 1]) * widen(brow[ke + 1]);
          if (ke < g.k) lanes[l] = lanes[l] + widen(arow[ke]) * widen(brow[ke]);
        }
      for (int w = kLanes / 2; w >= 1; w /= 2)
        for (int l = 0; l < w; ++l) lanes[l] = lanes[l] + lanes[l + w];
      float* out = c + i * g.ldc + j;
      *out = g.accumulate ? *out + lanes[0] : lanes[0];
    }
  }
}

[[maybe_unused]] void bf16_matmul(const MatmulArgs& g) {
  if (g.b_transposed) bf16_transposed(g);
  else bf16_row_major(g);
}

// int32 sums wrap modulo 2^32 (as the hardware does): computed in uint32 to stay defined.
// Columns go in blocks so the accumulators fit a small stack array.
[[maybe_unused]] void int8_matmul(const MatmulArgs& g) {
  constexpr std::int64_t kBlock = 256;
  const auto* a = static_cast<const std::int8_t*>(g.a);
  const auto* b = static_cast<const std::int8_t*>(g.b);
  auto* c = static_cast<std::int32_t*>(g.c);
  for (std::int64_t i = 0; i < g.m; ++i) {
    const std::int8_t* arow = a + i * g.lda;
    std::int32_t* crow = c + i * g.ldc;
    for (std::int64_t j0 = 0; j0 < g.n; j0 += kBlock) {
      const std::int64_t nb = g.n - j0 < kBlock ? g.n - j0 : kBlock;
      std::uint32_t acc[kBlock];
      for (std::int64_t j = 0; j < nb; ++j) acc[j] = g.accumulate ? static_cast<std::uint32_t>(crow[j0 + j]) : 0u;
      if (g.b_transposed) {
        for (std::int64_t j = 0; j < nb; ++j) {
          const std::int8_t* brow = b + (j0 + j) * g.ldb;
          std::uint32_t s = 0;
          for (std::int64_t kk = 0; kk < g.k; ++kk) s += static_cast<std::uint32_t>(arow[kk] * brow[kk]);
          acc[j] += s;
        }
      } else {
        for (std::int64_t kk = 0; kk < g.k; ++kk) {
          const std::int32_t av = arow[kk];
          const std::int8_t* brow = b + kk * g.ldb + j0;
          for (std::int64_t j = 0; j < nb; ++j) acc[j] += static_cast<std::uint32_t>(av * brow[j]);
        }
      }
      for (std::int64_t j = 0; j < nb; ++j) crow[j0 + j] = static_cast<std::int32_t>(acc[j]);
    }
  }
}

}  // namespace
}  // namespace tg::kernels::detail
