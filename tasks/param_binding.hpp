#pragma once
// Internal to Scope::submit: a descriptor's parameters bound by name, checked. Each mistake
// is a GraphError whose context names the task, the parameter and (when there is one) the
// argument: an unknown name, a parameter bound twice, a wrong access mode, a dtype the
// parameter does not accept, a required parameter left unbound.
// Cost: O(args * params) (a kernel has a handful of each).
#include <string>
#include <vector>

#include "runtime/error.hpp"
#include "tasks/kernel_descriptor.hpp"

namespace tg::detail {

struct BoundParams {
  std::vector<Arg> args;            // in the order given (edges and lint name these indices)
  std::vector<std::string> names;   // parameter name per arg
  std::vector<int> param_args;      // parameter i -> arg index, -1 when unbound
};

BoundParams bind_params(const KernelDescriptor& descriptor, std::vector<NamedArg> named, const ErrorContext& task);

}  // namespace tg::detail
