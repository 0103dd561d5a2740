#pragma once
// The library kernels' descriptors by name, for JSON scopes, the CLI and Python.
#include "tasks/kernel_registry.hpp"

namespace tg::kernels::descriptors {

// Adds every library descriptor with its default options (matmul, matmul_acc, matmul_bt,
// rmsnorm, rms_inv, rope, rope_inplace, quantize_int8_rows, quantize_int8_columns,
// dequantize_int32, scale, scale_acc, cast, softmax, row_max, row_sum, row_sum_acc, exp_rows,
// online_softmax_merge, divide_rows) to `registry`. matmul_packed and
// quantize_int8_groups need arguments no name carries and are not registered.
void register_library(KernelRegistry& registry = kernel_registry());

}  // namespace tg::kernels::descriptors
