#pragma once
// Tight register-only loops that saturate one core's vector units, to measure its peaks.
// Each returns the operations it performed (flops, or int8 multiply-adds x 2).
#include <cstdint>

namespace tg::bench {

double fp32_fma_loop_avx512(std::int64_t iterations);   // vfmadd231ps zmm
double bf16_dot_loop_avx512(std::int64_t iterations);   // vdpbf16ps zmm
double int8_dot_loop_avx512(std::int64_t iterations);   // vpdpbusd zmm
double fp32_fma_loop_avx2(std::int64_t iterations);     // vfmadd231ps ymm

}  // namespace tg::bench
