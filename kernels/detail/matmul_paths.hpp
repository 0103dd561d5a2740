#pragma once
// The per-ISA matmul loops behind kernels::matmul (which checks the views first).
// Pointers and leading dims (in elements) of A [M, K], B [K, N] or Bt [N, K], C [M, N].
#include <cstdint>

namespace tg::kernels::detail {

struct MatmulArgs {
  const void* a = nullptr;
  std::int64_t lda = 0;
  const void* b = nullptr;
  std::int64_t ldb = 0;
  void* c = nullptr;
  std::int64_t ldc = 0;
  std::int64_t m = 0, n = 0, k = 0;
  bool b_transposed = false;
  bool accumulate = false;
};

void matmul_bf16_scalar(const MatmulArgs& args);
void matmul_int8_scalar(const MatmulArgs& args);
void matmul_bf16_avx2(const MatmulArgs& args);
void matmul_int8_avx2(const MatmulArgs& args);
void matmul_bf16_avx512(const MatmulArgs& args);
void matmul_int8_avx512(const MatmulArgs& args);

}  // namespace tg::kernels::detail
