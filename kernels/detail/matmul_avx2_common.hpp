#pragma once
// Helpers shared by the AVX2 matmul files (matmul_avx2_bf16.cpp, matmul_avx2_int8.cpp), which
// alone include this header and are built with AVX2 + FMA: everything here has internal
// linkage, so no copy compiled for AVX2 can be handed to another path by the linker.
#include <immintrin.h>

#include <cstdint>
#include <cstdlib>
#include <type_traits>
#include <utility>

#include "kernels/detail/matmul_paths.hpp"
#include "kernels/detail/unroll.hpp"

namespace tg::kernels::detail {
namespace {

// Lane mask for the first n of 8 (maskload / maskstore of column tails).
inline __m256i lane_mask(int n) {
  const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), index);
}

// Per-thread scratch, 32-byte aligned, grown on demand.
template <class T>
T* scratch(int slot, std::int64_t count) {
  struct Block {
    void* p = nullptr;
    std::int64_t bytes = 0;
    ~Block() { std::free(p); }
  };
  thread_local Block blocks[2];  // slot 0: bf16 A, slot 1: int8 A
  Block& blk = blocks[slot];
  const std::int64_t bytes = (count * static_cast<std::int64_t>(sizeof(T)) + 63) / 64 * 64;
  if (blk.bytes < bytes) {
    std::free(blk.p);
    blk.p = std::aligned_alloc(64, static_cast<std::size_t>(bytes));
    blk.bytes = bytes;
  }
  return static_cast<T*>(blk.p);
}

}  // namespace
}  // namespace tg::kernels::detail
