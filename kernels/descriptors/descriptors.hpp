#pragma once
// Every library kernel's descriptor (one header per kernel family). Users write
//   namespace kd = tg::kernels::descriptors;
//   s.cube("q_lora_proj", kd::matmul(), {.a = In(x), .b = In(w.cols(c, 64)), .c = Out(q.cols(c, 64))});
#include "kernels/descriptors/elementwise.hpp"
#include "kernels/descriptors/matmul.hpp"
#include "kernels/descriptors/quant.hpp"
#include "kernels/descriptors/registry.hpp"
#include "kernels/descriptors/rmsnorm.hpp"
#include "kernels/descriptors/rope.hpp"
#include "kernels/descriptors/softmax.hpp"
