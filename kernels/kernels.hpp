#pragma once
// All host tile kernels (one header per concept; include this for all of them).
#include "kernels/cast.hpp"
#include "kernels/cpu_path.hpp"
#include "kernels/inv_sqrt.hpp"
#include "kernels/matmul.hpp"
#include "kernels/packed_weights.hpp"
#include "kernels/quant.hpp"
#include "kernels/rmsnorm.hpp"
#include "kernels/rope.hpp"
#include "kernels/scale.hpp"
#include "kernels/softmax.hpp"
