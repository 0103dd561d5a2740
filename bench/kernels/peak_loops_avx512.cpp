// Peak loops for AVX-512 (compiled with AVX-512 flags; called only when the CPU has them).
// 24 independent accumulators: enough to cover latency x throughput on current cores
// (12 were not: the measured "peak" was then below what the matmul kernel reaches).
#include <immintrin.h>

#include "peak_loops.hpp"

namespace tg::bench {
namespace {
constexpr int kChains = 24;

inline __m512bh as_bh(__m512i v) { return reinterpret_cast<__m512bh&>(v); }

// Consume every chain by value: taking the array's address (or tying each update to an asm
// operand) would keep the chains in memory and measure store throughput instead.
template <class V, int N>
void keep(const V (&acc)[N]) {
#pragma GCC unroll 32
  for (int i = 0; i < N; ++i) asm volatile("" : : "v"(acc[i]));
}
}  // namespace

double fp32_fma_loop_avx512(std::int64_t iterations) {
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_set1_ps(0.0f);
  const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-3f);
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32  // fully unrolled, so the chains live in registers
    for (auto& a : acc) {
      a = _mm512_fmadd_ps(a, x, y);
    }
  keep(acc);
  return static_cast<double>(iterations) * kChains * 16 * 2;
}

double bf16_dot_loop_avx512(std::int64_t iterations) {
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_set1_ps(0.0f);
  const __m512bh x = as_bh(_mm512_set1_epi16(0x3f80)), y = as_bh(_mm512_set1_epi16(0x3a80));
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32  // fully unrolled, so the chains live in registers
    for (auto& a : acc) {
      a = _mm512_dpbf16_ps(a, x, y);
    }
  keep(acc);
  return static_cast<double>(iterations) * kChains * 32 * 2;  // 32 bf16 products + adds
}

double int8_dot_loop_avx512(std::int64_t iterations) {
  __m512i acc[kChains];
  for (auto& a : acc) a = _mm512_setzero_si512();
  const __m512i x = _mm512_set1_epi8(3), y = _mm512_set1_epi8(-2);
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32  // fully unrolled, so the chains live in registers
    for (auto& a : acc) {
      a = _mm512_dpbusd_epi32(a, x, y);
    }
  keep(acc);
  return static_cast<double>(iterations) * kChains * 64 * 2;  // 64 int8 products + adds
}

}  // namespace tg::bench
