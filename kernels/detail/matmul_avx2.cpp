// The AVX2 matmul path: the portable loops (matmul_loops_body.hpp) compiled with AVX2 + FMA,
// vectorized by the compiler along N in the documented summation order (so bit-identical to
// the scalar path). Not register-tiled: C rows stay in L1 and are re-read per k-pair; about
// 4x slower than a hand-tiled kernel would be, and the path only runs on CPUs without
// AVX512_BF16 / VNNI.
#include "kernels/detail/matmul_loops_body.hpp"

namespace tg::kernels::detail {

void matmul_bf16_avx2(const MatmulArgs& args) { bf16_matmul(args); }
void matmul_int8_avx2(const MatmulArgs& args) { int8_matmul(args); }

}  // namespace tg::kernels::detail
