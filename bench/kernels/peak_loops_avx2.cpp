// Peak loop for AVX2 + FMA (compiled with those flags; called only when the CPU has them).
#include <immintrin.h>

#include "peak_loops.hpp"

namespace tg::bench {

double fp32_fma_loop_avx2(std::int64_t iterations) {
  constexpr int kChains = 24;
  __m256 acc[kChains];
  for (auto& a : acc) a = _mm256_set1_ps(0.0f);
  const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(1e-3f);
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32  // fully unrolled, so the chains live in registers
    for (auto& a : acc) {
      a = _mm256_fmadd_ps(a, x, y);
    }
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) asm volatile("" : : "x"(acc[i]));
  return static_cast<double>(iterations) * kChains * 8 * 2;
}

}  // namespace tg::bench
