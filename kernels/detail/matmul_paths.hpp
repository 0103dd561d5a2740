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
  // Packed B (kernels/packed_weights.hpp): tile t starts at b + t * b_tile_stride elements
  // (zero past N); 0 = B is a plain matrix. Within a tile:
  //   bf16 (24 columns): per k-pair p, 24 dwords (lo16 = B[2p+1, n], or 0 past K; hi16 =
  //     B[2p, n]): the row added first in the low half (matmul.hpp's order);
  //   int8 (16 columns): per k-pair p, 32 bytes (B[2p, n], B[2p+1, n] or 0 past K) per column.
  // Only the AVX2 path reads packed B directly; the others get one tile at a time unpacked
  // to a plain [K, width] matrix.
  std::int64_t b_tile_stride = 0;
};

// Column tiles of packed B: the AVX2 register tiles' widths.
inline constexpr std::int64_t kPackedColsBf16 = 24;
inline constexpr std::int64_t kPackedColsInt8 = 16;

void matmul_bf16_scalar(const MatmulArgs& args);
void matmul_int8_scalar(const MatmulArgs& args);
void matmul_bf16_avx2(const MatmulArgs& args);
void matmul_bf16_transposed_avx2(const MatmulArgs& args);  // b_transposed only
void matmul_int8_avx2(const MatmulArgs& args);
void matmul_int8_transposed_avx2(const MatmulArgs& args);  // b_transposed only
void matmul_bf16_avx512(const MatmulArgs& args);
void matmul_int8_avx512(const MatmulArgs& args);

}  // namespace tg::kernels::detail
