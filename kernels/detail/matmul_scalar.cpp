// The portable matmul path: the shared loops compiled for the baseline ISA.
#include "kernels/detail/matmul_loops_body.hpp"

namespace tg::kernels::detail {

void matmul_bf16_scalar(const MatmulArgs& args) { bf16_matmul(args); }
void matmul_int8_scalar(const MatmulArgs& args) { int8_matmul(args); }

}  // namespace tg::kernels::detail
