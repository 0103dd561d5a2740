#pragma once
// Checked kernel arguments: a View validated once (rank, dtype, contiguous last dim, shape
// agreement), turned into raw pointers + strides for the loops. Errors are ShapeError naming
// the kernel, the argument and the view (View::describe()), and saying what to pass instead.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "runtime/dtype.hpp"
#include "runtime/view.hpp"

namespace tg::kernels::detail {

// A rank-2 view (rank 1 counts as one row) with a contiguous last dim.
struct Matrix {
  std::byte* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t row_stride = 0;  // in elements
  DType dtype = DType::FP32;

  template <class T> T* row(std::int64_t r) const { return reinterpret_cast<T*>(data) + r * row_stride; }
  std::byte* row_bytes(std::int64_t r) const {
    return data + static_cast<std::size_t>(r * row_stride) * size_of(dtype);
  }
};

// One value per row ([n] or [n, 1]) or per column ([n] or [1, n]); element i at data + i*stride.
struct Vector {
  std::byte* data = nullptr;  // null when the argument was View{} and optional
  std::int64_t size = 0;
  std::int64_t stride = 0;    // in elements
  DType dtype = DType::FP32;

  bool present() const { return data != nullptr; }
  float load(std::int64_t i) const;          // fp32 | bf16 | int32 widened to fp32
  float* fp32_at(std::int64_t i) const { return reinterpret_cast<float*>(data) + i * stride; }
};

Matrix matrix_arg(std::string_view kernel, std::string_view arg, const View& view,
                  std::initializer_list<DType> dtypes);

enum class Optional : bool { no, yes };
// A per-row vector of `rows` values: [rows] or [rows, 1].
Vector row_vector_arg(std::string_view kernel, std::string_view arg, const View& view, std::int64_t rows,
                      std::initializer_list<DType> dtypes, Optional optional = Optional::no);
// A per-column vector of `cols` values, contiguous: [cols] or [1, cols].
Vector col_vector_arg(std::string_view kernel, std::string_view arg, const View& view, std::int64_t cols,
                      std::initializer_list<DType> dtypes, Optional optional = Optional::no);

// Throws unless b has the same [rows, cols] as a.
void require_same_shape(std::string_view kernel, std::string_view arg_a, const View& a, const Matrix& ma,
                        std::string_view arg_b, const View& b, const Matrix& mb);

[[noreturn]] void fail(std::string_view kernel, const std::string& message);

// Per-thread fp32 scratch rows (slot 0..3), grown on demand; valid until the next call
// with the same slot on this thread.
float* scratch_row(int slot, std::int64_t n);

}  // namespace tg::kernels::detail
