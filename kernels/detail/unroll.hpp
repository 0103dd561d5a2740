#pragma once
// Compile-time unrolling for the SIMD matmul paths (AVX2 and AVX-512 files). Everything here
// has internal linkage: each path's file is built with its own ISA flags, and no copy
// compiled for one ISA may be handed to another by the linker.
#include <cstdint>
#include <type_traits>
#include <utility>

namespace tg::kernels::detail {
namespace {

inline std::int64_t min_of(std::int64_t a, std::int64_t b) { return a < b ? a : b; }

// Calls f(0) ... f(N-1) with compile-time indices. Accumulator arrays indexed only through it
// are scalarized into registers by GCC; with loop indices (even fully unrolled loops) GCC 12
// kept them on the stack and stored every accumulator after every dot instruction.
template <int N, class F>
[[gnu::always_inline]] inline void unroll(F&& f) {
  [&]<int... I>(std::integer_sequence<int, I...>) { (f(std::integral_constant<int, I>{}), ...); }(
      std::make_integer_sequence<int, N>{});
}

}  // namespace
}  // namespace tg::kernels::detail
