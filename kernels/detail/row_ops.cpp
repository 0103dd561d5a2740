#include "kernels/detail/row_ops.hpp"

namespace tg::kernels::detail {

const RowOps& row_ops(CpuPath path) {
  switch (path) {
    case CpuPath::avx512: return row_ops_avx512();
    case CpuPath::avx2: return row_ops_avx2();
    case CpuPath::scalar: break;
  }
  return row_ops_scalar();
}

}  // namespace tg::kernels::detail
