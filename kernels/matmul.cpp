#include "kernels/matmul.hpp"

#include <string>

#include "kernels/cpu_path.hpp"
#include "kernels/detail/args.hpp"
#include "kernels/detail/matmul_paths.hpp"

namespace tg::kernels {

void matmul(const View& a, const View& b, const View& c, const MatmulOptions& options) {
  constexpr const char* kernel = "matmul";
  const auto ma = detail::matrix_arg(kernel, "a", a, {DType::BF16, DType::INT8});
  const auto mb = detail::matrix_arg(kernel, "b", b, {DType::BF16, DType::INT8});
  const auto mc = detail::matrix_arg(kernel, "c", c, {DType::FP32, DType::INT32});
  const bool bf16 = ma.dtype == DType::BF16;
  const DType want_c = bf16 ? DType::FP32 : DType::INT32;
  if (mb.dtype != ma.dtype || mc.dtype != want_c)
    detail::fail(kernel, "dtypes a " + std::string(name_of(ma.dtype)) + " (" + a.describe() + "), b " +
                             std::string(name_of(mb.dtype)) + " (" + b.describe() + "), c " +
                             std::string(name_of(mc.dtype)) + " (" + c.describe() +
                             ") are not a supported combination; use bf16 x bf16 -> fp32 or int8 x int8 -> int32");
  const bool transposed = options.b_layout == BLayout::transposed;
  const std::int64_t k_of_b = transposed ? mb.cols : mb.rows;
  const std::int64_t n_of_b = transposed ? mb.rows : mb.cols;
  const std::string b_shape = transposed ? "[N, K] (transposed)" : "[K, N]";
  if (k_of_b != ma.cols)
    detail::fail(kernel, "a (" + a.describe() + ") is [" + std::to_string(ma.rows) + ", " + std::to_string(ma.cols) +
                             "] but b (" + b.describe() + ", " + b_shape + ") has K = " + std::to_string(k_of_b) +
                             "; slice both to the same K chunk");
  if (mc.rows != ma.rows || mc.cols != n_of_b)
    detail::fail(kernel, "c (" + c.describe() + ") is [" + std::to_string(mc.rows) + ", " + std::to_string(mc.cols) +
                             "] but a @ b is [" + std::to_string(ma.rows) + ", " + std::to_string(n_of_b) + "]");
  if (overlaps(c, a) || overlaps(c, b))
    detail::fail(kernel, "c (" + c.describe() + ") overlaps " + (overlaps(c, a) ? a.describe() : b.describe()) +
                             "; write the product to its own buffer");

  detail::MatmulArgs args;
  args.a = ma.data;
  args.lda = ma.row_stride;
  args.b = mb.data;
  args.ldb = mb.row_stride;
  args.c = mc.data;
  args.ldc = mc.row_stride;
  args.m = ma.rows;
  args.n = n_of_b;
  args.k = ma.cols;
  args.b_transposed = transposed;
  args.accumulate = options.accumulate;
  if (args.m == 0 || args.n == 0) return;

  switch (active_cpu_path()) {
    case CpuPath::avx512: bf16 ? detail::matmul_bf16_avx512(args) : detail::matmul_int8_avx512(args); break;
    case CpuPath::avx2: bf16 ? detail::matmul_bf16_avx2(args) : detail::matmul_int8_avx2(args); break;
    case CpuPath::scalar: bf16 ? detail::matmul_bf16_scalar(args) : detail::matmul_int8_scalar(args); break;
  }
}

}  // namespace tg::kernels
