// RowOps compiled for the avx2 path (ISA flags set per file in kernels/CMakeLists.txt).
#include "kernels/detail/row_ops_body.hpp"

namespace tg::kernels::detail {

const RowOps& row_ops_avx2() {
  static const RowOps ops = make_row_ops();
  return ops;
}

}  // namespace tg::kernels::detail
