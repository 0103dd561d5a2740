#pragma once
// TensorMap: a model run's tensors by name (inputs, weights, caches and outputs it owns;
// the staging of its last run). What the input generators fill and the goldens read.
#include <map>
#include <string>
#include <string_view>

#include "runtime/error.hpp"
#include "runtime/tensor.hpp"

namespace tg::models {

class TensorMap {
 public:
  void put(Tensor tensor) {
    const std::string name = tensor.name();
    tensors_.insert_or_assign(name, std::move(tensor));
  }
  bool contains(std::string_view name) const { return tensors_.find(name) != tensors_.end(); }
  // Throws Error naming the tensor when it is not there.
  const Tensor& tensor(std::string_view name) const {
    const auto it = tensors_.find(name);
    if (it == tensors_.end())
      throw Error(ErrorContext{.buffer = std::string(name)},
                  "model run: no tensor named '" + std::string(name) +
                      "' (staging tensors are there only after the run, through ModelRun::run)");
    return it->second;
  }
  const std::map<std::string, Tensor, std::less<>>& all() const { return tensors_; }

 private:
  std::map<std::string, Tensor, std::less<>> tensors_;
};

}  // namespace tg::models
