#pragma once
// Shared by the row kernels' descriptors (internal): [rows, cols] of a view as the kernels
// see it (rank 1 is one row), and the streaming cost with `flops_per_element`.
#include <cstdint>

#include "tasks/kernel_descriptor.hpp"

namespace tg::kernels::descriptors::detail {

inline std::int64_t cols_of(const View& v) { return v.rank() == 0 ? 0 : v.size(v.rank() - 1); }
inline std::int64_t rows_of(const View& v) { return cols_of(v) == 0 ? 0 : v.numel() / cols_of(v); }
inline double elements(const View& v) { return static_cast<double>(v.numel()); }

}  // namespace tg::kernels::descriptors::detail
