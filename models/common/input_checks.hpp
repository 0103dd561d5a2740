#pragma once
// Inputs judged as inputs, before a run: every Input, Weight and InOut tensor holds finite
// values (a NaN or Inf is named by tensor and first element, not found later as the first
// diverging stage), and each integer input a model constrains holds values in its declared
// range (seq_lens in [1, MAX_SEQ], cache row indices). ModelRun::validate_inputs applies
// both; a model lists its ranges in ModelRun::input_ranges().
// Cost: one pass over each checked tensor, O(n) for n elements.
#include <cstdint>
#include <string>

#include "runtime/tensor.hpp"

namespace tg::models {

// Every element of an INT8 / INT32 tensor must lie in [min, max].
struct InputRange {
  std::string tensor;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::string range_text;  // how the message shows the range: "[1, MAX_SEQ = 64]"
  std::string why;         // what the range is for, "" for nothing
};

struct InputCheckOptions {
  bool allow_nonfinite = false;  // --allow-nonfinite: NaN / Inf inputs, for experiments
};

// Throws ConfigError naming the tensor, the first NaN / Inf element (as an index and a flat
// position) and how to allow it. Integer tensors always pass.
void check_finite(const Tensor& tensor);
// Throws ConfigError naming the tensor, the first element outside the range, its value and
// the range; a float tensor, or a range of a tensor that is not an integer one, is an Error.
void check_range(const Tensor& tensor, const InputRange& range);

// "[2, 17]": the row-major index of flat element `flat` of `shape`.
std::string index_text(const Shape& shape, std::int64_t flat);

}  // namespace tg::models
