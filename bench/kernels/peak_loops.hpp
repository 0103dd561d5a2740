#pragma once
// Tight register-only loops that saturate one core's vector units, to measure its peaks.
// Each returns the operations it performed (flops, or int8/int16 multiply-adds x 2).
// Header-only, each loop compiled for its own ISA by a target attribute, so any benchmark
// binary can probe the limits without per-file flags; call a loop only when
// kernels::cpu_path_supported says the CPU has its path.
//
// Chain counts: enough independent accumulators to cover latency x throughput, and no more
// than the registers hold (spilled chains measure store throughput instead).
//   AVX2, 16 ymm: fp32 FMA latency 4 x 2 pipes on Zen 3 needs >= 8 chains; 12 used.
//   AVX-512, 32 zmm: vdpbf16ps latency ~12 x 2 per cycle needs 24.
#include <immintrin.h>

#include <cstdint>

namespace tg::bench {

// Each loop ends by consuming every chain by value in an empty asm: taking the array's
// address (or tying each update to an asm operand) would keep the chains in memory.

// vfmadd231ps ymm, 12 chains.
[[gnu::target("avx2,fma")]] inline double fp32_fma_loop_avx2(std::int64_t iterations) {
  constexpr int kChains = 12;
  __m256 acc[kChains];
  for (auto& a : acc) a = _mm256_set1_ps(0.0f);
  const __m256 x = _mm256_set1_ps(0.999f), y = _mm256_set1_ps(1e-3f);
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32  // fully unrolled, so the chains live in registers
    for (auto& a : acc) a = _mm256_fmadd_ps(a, x, y);
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) asm volatile("" : : "x"(acc[i]));
  return static_cast<double>(iterations) * kChains * 8 * 2;
}

// The AVX2 int8 dot route: vpmaddubsw (u8 x s8 pairs -> s16), vpmaddwd by ones (-> s32),
// vpaddd into the accumulator: 32 multiply-adds per 3 instructions. 8 accumulators fed by
// 8 distinct (x, y) operand pairs, re-bound by an empty asm every iteration so the compiler
// can neither hoist nor share the products.
[[gnu::target("avx2,fma")]] inline double int8_maddubs_loop_avx2(std::int64_t iterations) {
  constexpr int kChains = 8;
  __m256i acc[kChains];
  for (auto& a : acc) a = _mm256_setzero_si256();
  __m256i x[2] = {_mm256_set1_epi8(3), _mm256_set1_epi8(5)};
  __m256i y[4] = {_mm256_set1_epi8(-2), _mm256_set1_epi8(7), _mm256_set1_epi8(-9), _mm256_set1_epi8(11)};
  const __m256i ones = _mm256_set1_epi16(1);
  for (std::int64_t i = 0; i < iterations; ++i) {
    asm volatile("" : "+x"(x[0]), "+x"(x[1]));
#pragma GCC unroll 32
    for (int c = 0; c < kChains; ++c)
      acc[c] = _mm256_add_epi32(acc[c], _mm256_madd_epi16(_mm256_maddubs_epi16(x[c / 4], y[c % 4]), ones));
  }
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) asm volatile("" : : "x"(acc[i]));
  return static_cast<double>(iterations) * kChains * 32 * 2;
}

// int8 widened to int16, then vpmaddwd (s16 x s16 pairs -> s32, exact for every int8 input)
// and vpaddd: 16 multiply-adds per 2 instructions. Operands as in the loop above.
[[gnu::target("avx2,fma")]] inline double int16_madd_loop_avx2(std::int64_t iterations) {
  constexpr int kChains = 8;
  __m256i acc[kChains];
  for (auto& a : acc) a = _mm256_setzero_si256();
  __m256i x[2] = {_mm256_set1_epi16(3), _mm256_set1_epi16(5)};
  __m256i y[4] = {_mm256_set1_epi16(-2), _mm256_set1_epi16(7), _mm256_set1_epi16(-9), _mm256_set1_epi16(11)};
  for (std::int64_t i = 0; i < iterations; ++i) {
    asm volatile("" : "+x"(x[0]), "+x"(x[1]));
#pragma GCC unroll 32
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_add_epi32(acc[c], _mm256_madd_epi16(x[c / 4], y[c % 4]));
  }
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) asm volatile("" : : "x"(acc[i]));
  return static_cast<double>(iterations) * kChains * 16 * 2;
}

#define TG_PEAK_AVX512 "avx512f,avx512bw,avx512vl,avx512bf16,avx512vnni"

// vfmadd231ps zmm, 24 chains.
[[gnu::target(TG_PEAK_AVX512)]] inline double fp32_fma_loop_avx512(std::int64_t iterations) {
  constexpr int kChains = 24;
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_set1_ps(0.0f);
  const __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-3f);
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32
    for (auto& a : acc) a = _mm512_fmadd_ps(a, x, y);
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) asm volatile("" : : "v"(acc[i]));
  return static_cast<double>(iterations) * kChains * 16 * 2;
}

// vdpbf16ps zmm, 24 chains (12 reached only half the peak: latency ~12 cycles at 2/cycle).
[[gnu::target(TG_PEAK_AVX512)]] inline double bf16_dot_loop_avx512(std::int64_t iterations) {
  constexpr int kChains = 24;
  __m512 acc[kChains];
  for (auto& a : acc) a = _mm512_set1_ps(0.0f);
  const __m512i xi = _mm512_set1_epi16(0x3f80), yi = _mm512_set1_epi16(0x3a80);
  const __m512bh x = reinterpret_cast<const __m512bh&>(xi), y = reinterpret_cast<const __m512bh&>(yi);
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32
    for (auto& a : acc) a = _mm512_dpbf16_ps(a, x, y);
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) asm volatile("" : : "v"(acc[i]));
  return static_cast<double>(iterations) * kChains * 32 * 2;  // 32 bf16 products + adds
}

// vpdpbusd zmm, 24 chains.
[[gnu::target(TG_PEAK_AVX512)]] inline double int8_dot_loop_avx512(std::int64_t iterations) {
  constexpr int kChains = 24;
  __m512i acc[kChains];
  for (auto& a : acc) a = _mm512_setzero_si512();
  const __m512i x = _mm512_set1_epi8(3), y = _mm512_set1_epi8(-2);
  for (std::int64_t i = 0; i < iterations; ++i)
#pragma GCC unroll 32
    for (auto& a : acc) a = _mm512_dpbusd_epi32(a, x, y);
#pragma GCC unroll 32
  for (int i = 0; i < kChains; ++i) asm volatile("" : : "v"(acc[i]));
  return static_cast<double>(iterations) * kChains * 64 * 2;  // 64 int8 products + adds
}

#undef TG_PEAK_AVX512

}  // namespace tg::bench
