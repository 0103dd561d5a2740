#include "kernels/descriptors/matmul.hpp"

#include <algorithm>

#include "kernels/matmul.hpp"

namespace tg::kernels::descriptors {

namespace {

const std::vector<TypedParam>& params() {
  static const std::vector<TypedParam> p{{"a", {DType::BF16, DType::INT8}}, {"b", {DType::BF16, DType::INT8}},
                                          {"c", {DType::FP32, DType::INT32}}};
  return p;
}

std::int64_t rows_of(const View& v) { return v.rank() >= 2 ? v.numel() / v.size(v.rank() - 1) : 1; }

template <class V> CostHint cost_of(const V& v, bool accumulate) { return matmul_cost(v.a.view(), v.b.view(), v.c.view(), accumulate); }

}  // namespace

CostHint matmul_cost(const View& a, const View& b, const View& c, bool accumulate) {
  const double m = static_cast<double>(rows_of(a));
  const double k = static_cast<double>(a.size(a.rank() - 1));
  const double n = static_cast<double>(c.size(c.rank() - 1));
  CostHint hint;
  hint.flops = 2.0 * m * n * k;
  hint.bytes = static_cast<double>(a.bytes() + b.bytes() + c.bytes() * (accumulate ? 2 : 1));
  const double k_step = std::min<double>(k, static_cast<double>(kMatmulKStep));
  hint.working_set_bytes = static_cast<std::uint64_t>(2.0 * (m + n) * k_step * static_cast<double>(size_of(a.dtype())) +
                                                      m * n * static_cast<double>(size_of(c.dtype())));
  hint.int8 = a.dtype() == DType::INT8;
  return hint;
}

TypedKernel<MatmulParams> matmul() {
  return {"matmul", TaskKind::Cube, params(),
          [](const MatmulParams<BlockView>& v, const TaskContext&) { kernels::matmul(v.a.view(), v.b.view(), v.c.view()); },
          [](const MatmulParams<BlockView>& v) { return cost_of(v, false); }};
}

TypedKernel<MatmulAccParams> matmul_acc() {
  return {"matmul_acc", TaskKind::Cube, params(),
          [](const MatmulAccParams<BlockView>& v, const TaskContext&) {
            kernels::matmul(v.a.view(), v.b.view(), v.c.view(), {.b_layout = BLayout::row_major, .accumulate = true});
          },
          [](const MatmulAccParams<BlockView>& v) { return cost_of(v, true); }};
}

TypedKernel<MatmulParams> matmul_bt() {
  return {"matmul_bt", TaskKind::Cube, params(),
          [](const MatmulParams<BlockView>& v, const TaskContext&) {
            kernels::matmul(v.a.view(), v.b.view(), v.c.view(), {.b_layout = BLayout::transposed, .accumulate = false});
          },
          [](const MatmulParams<BlockView>& v) { return cost_of(v, false); }};
}

TypedKernel<MatmulParams> matmul_packed(std::function<const PackedWeights&(const View& b)> packed_of) {
  return {"matmul_packed", TaskKind::Cube, params(),
          [packed_of = std::move(packed_of)](const MatmulParams<BlockView>& v, const TaskContext&) {
            kernels::matmul(v.a.view(), packed_of(v.b.view()), v.c.view());
          },
          [](const MatmulParams<BlockView>& v) { return cost_of(v, false); }};
}

}  // namespace tg::kernels::descriptors
