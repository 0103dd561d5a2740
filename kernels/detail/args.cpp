#include "kernels/detail/args.hpp"

#include <array>
#include <string>
#include <vector>

#include "runtime/bf16.hpp"
#include "runtime/error.hpp"

namespace tg::kernels::detail {
namespace {

std::string dtype_list(std::initializer_list<DType> dtypes) {
  std::string s;
  for (DType t : dtypes) {
    if (!s.empty()) s += " | ";
    s += name_of(t);
  }
  return s;
}

std::string shape_string(const View& v) {
  std::string s = "[";
  for (int d = 0; d < v.rank(); ++d) s += (d ? ", " : "") + std::to_string(v.size(d));
  return s + "]";
}

std::string label(std::string_view arg, const View& v) {
  return std::string(arg) + " (" + v.describe() + ", " + std::string(name_of(v.dtype())) + " " + shape_string(v) + ")";
}

void check_dtype(std::string_view kernel, std::string_view arg, const View& view, std::initializer_list<DType> dtypes) {
  for (DType t : dtypes)
    if (view.dtype() == t) return;
  fail(kernel, label(arg, view) + " has dtype " + std::string(name_of(view.dtype())) + "; expected " +
                   dtype_list(dtypes));
}

std::byte* element0(const View& v) { return v.bytes_data(); }

}  // namespace

void fail(std::string_view kernel, const std::string& message) {
  throw ShapeError(std::string(kernel) + ": " + message);
}

float Vector::load(std::int64_t i) const {
  switch (dtype) {
    case DType::FP32: return reinterpret_cast<const float*>(data)[i * stride];
    case DType::BF16: return bf16_bits_to_fp32(reinterpret_cast<const std::uint16_t*>(data)[i * stride]);
    case DType::INT32: return static_cast<float>(reinterpret_cast<const std::int32_t*>(data)[i * stride]);
    default: return 0.0f;  // excluded by the dtype check of *_vector_arg
  }
}

Matrix matrix_arg(std::string_view kernel, std::string_view arg, const View& view,
                  std::initializer_list<DType> dtypes) {
  if (!view.valid()) fail(kernel, std::string(arg) + " is an empty View{}; pass a view of a buffer");
  check_dtype(kernel, arg, view, dtypes);
  if (view.rank() != 1 && view.rank() != 2)
    fail(kernel, label(arg, view) + " has rank " + std::to_string(view.rank()) +
                     "; kernels take rank-2 tiles: reshape() or flatten the view first");
  Matrix m;
  m.dtype = view.dtype();
  m.data = element0(view);
  const bool rank1 = view.rank() == 1;
  m.rows = rank1 ? 1 : view.size(0);
  m.cols = rank1 ? view.size(0) : view.size(1);
  const std::int64_t last_stride = view.strides().back();
  if (last_stride != 1 && m.cols > 1)
    fail(kernel, label(arg, view) + " has a non-contiguous last dim (stride " + std::to_string(last_stride) +
                     "); slice columns of a row-major view instead");
  m.row_stride = rank1 ? m.cols : view.row_stride();
  return m;
}

namespace {
Vector vector_arg(std::string_view kernel, std::string_view arg, const View& view, std::int64_t n,
                  std::initializer_list<DType> dtypes, Optional optional, bool per_row) {
  if (!view.valid()) {
    if (optional == Optional::yes) return {};
    fail(kernel, std::string(arg) + " is an empty View{}; pass a view of a buffer");
  }
  check_dtype(kernel, arg, view, dtypes);
  const char* what = per_row ? "one value per row" : "one value per column";
  const std::string expected = std::to_string(n);
  bool ok = false;
  Vector v;
  v.dtype = view.dtype();
  v.data = element0(view);
  v.size = n;
  if (view.rank() == 1 && view.size(0) == n) {
    ok = true;
    v.stride = view.strides()[0];
  } else if (view.rank() == 2 && per_row && view.size(0) == n && view.size(1) == 1) {
    ok = true;
    v.stride = view.strides()[0];
  } else if (view.rank() == 2 && !per_row && view.size(0) == 1 && view.size(1) == n) {
    ok = true;
    v.stride = view.strides()[1];
  }
  if (!ok)
    fail(kernel, label(arg, view) + " must hold " + what + ": shape [" + expected + "] or " +
                     (per_row ? "[" + expected + ", 1]" : "[1, " + expected + "]"));
  if (!per_row && v.stride != 1 && n > 1)
    fail(kernel, label(arg, view) + " must be contiguous (stride " + std::to_string(v.stride) + ")");
  return v;
}
}  // namespace

Vector row_vector_arg(std::string_view kernel, std::string_view arg, const View& view, std::int64_t rows,
                      std::initializer_list<DType> dtypes, Optional optional) {
  return vector_arg(kernel, arg, view, rows, dtypes, optional, true);
}

Vector col_vector_arg(std::string_view kernel, std::string_view arg, const View& view, std::int64_t cols,
                      std::initializer_list<DType> dtypes, Optional optional) {
  return vector_arg(kernel, arg, view, cols, dtypes, optional, false);
}

void require_same_shape(std::string_view kernel, std::string_view arg_a, const View& a, const Matrix& ma,
                        std::string_view arg_b, const View& b, const Matrix& mb) {
  if (ma.rows != mb.rows || ma.cols != mb.cols)
    fail(kernel, label(arg_b, b) + " must have the shape of " + label(arg_a, a) + ": [" + std::to_string(ma.rows) +
                     ", " + std::to_string(ma.cols) + "]");
}

float* scratch_row(int slot, std::int64_t n) {
  thread_local std::array<std::vector<float>, 4> rows;
  auto& r = rows.at(static_cast<std::size_t>(slot));
  if (static_cast<std::int64_t>(r.size()) < n) r.resize(static_cast<std::size_t>(n));
  return r.data();
}

}  // namespace tg::kernels::detail
