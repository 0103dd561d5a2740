// RowOps compiled for the scalar path (ISA flags set per file in kernels/CMakeLists.txt).
#include "kernels/detail/row_ops_body.hpp"

namespace tg::kernels::detail {

const RowOps& row_ops_scalar() {
  static const RowOps ops = make_row_ops();
  return ops;
}

}  // namespace tg::kernels::detail
