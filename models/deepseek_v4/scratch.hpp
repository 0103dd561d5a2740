#pragma once
// Per-block scratch memory standing in for the on-chip buffer (UB / L1) of one core.
#include <string>

#include "runtime/tensor.hpp"
#include "runtime/view.hpp"

namespace tg::models::deepseek_v4 {

// One block's on-chip working memory (zero-filled), viewed as a whole.
class Scratch {
 public:
  Scratch(std::string name, DType dtype, Shape shape) : tensor_(std::move(name), dtype, std::move(shape)) {}
  View view() const { return tensor_.view(); }

 private:
  Tensor tensor_;
};

}  // namespace tg::models::deepseek_v4
