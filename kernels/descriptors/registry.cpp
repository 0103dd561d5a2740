#include "kernels/descriptors/registry.hpp"

#include "kernels/descriptors/descriptors.hpp"

namespace tg::kernels::descriptors {

void register_library(KernelRegistry& registry) {
  for (const KernelRef& k : {matmul().ref(), matmul_acc().ref(), matmul_bt().ref(), rmsnorm().ref(), rms_inv().ref(),
                             rope().ref(), rope_inplace().ref(), quantize_int8_rows().ref(), quantize_int8_columns().ref(),
                             dequantize_int32().ref(), scale().ref(), scale_acc().ref(), cast().ref(), softmax().ref(),
                             row_max().ref(), row_sum().ref(), row_sum_acc().ref(), exp_rows().ref(), online_softmax_merge().ref(), divide_rows().ref()})
    registry.add(k);
}

}  // namespace tg::kernels::descriptors
