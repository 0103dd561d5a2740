#pragma once
// Kernel descriptor (a codelet, as StarPU calls it): what a kernel says once about itself.
// Its name; its parameters' names, access modes and accepted dtypes; the callable; and a
// cost function of one block's views giving the block's LOGICAL work (flops of the rows it
// really has, GM bytes, on-chip working set, int8 or not). The machine binding
// (tasks/task_cost.hpp) pads cube work to the cube's box; a cost function never does.
//
// A task that names a descriptor binds each parameter by name (typed: tasks/typed_kernel.hpp;
// by name at run time: NamedArg). Scope::submit checks the binding against the parameters
// (unknown name, missing parameter, wrong access, wrong dtype: GraphError naming the task,
// the parameter and the argument) and takes the task's cost hint from the cost function
// unless one is given by hand (TaskRef::cost overrides it).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/task.hpp"

namespace tg {

struct ParamSpec {
  std::string name;
  Access access = Access::In;
  std::vector<DType> dtypes;  // accepted dtypes; empty = any
  bool optional = false;      // may be left unbound (the kernel then sees View{})

  bool accepts(DType t) const;
};

// One block's views in the descriptor's parameter order; an unbound optional parameter is
// View{}. Structure only when costing (unbound views: sizes and dtypes, no memory).
using ParamViews = std::vector<View>;
using CostFunction = std::function<CostHint(const ParamViews& block_views)>;

struct KernelDescriptor {
  std::string name;
  TaskKind kind = TaskKind::Vector;  // the kind a task gets unless it says otherwise
  std::vector<ParamSpec> params;
  // Reads its parameters as ctx.param(i) / ctx.param("name"): this block's tiles.
  Kernel body;
  CostFunction cost;  // empty: tasks of this kernel have no derived cost

  // Index of the parameter named `name`, or -1.
  int param_index(std::string_view param) const;
  // "matmul(In a: bf16|int8, In b: bf16|int8, Out c: fp32|int32)"
  std::string signature() const;
};
using KernelRef = std::shared_ptr<const KernelDescriptor>;

// A user lambda with an explicit contract: the by-name form of a descriptor.
inline KernelRef make_kernel(KernelDescriptor descriptor) {
  return std::make_shared<const KernelDescriptor>(std::move(descriptor));
}

// An argument bound to a parameter by name: {"a", In(x)}.
struct NamedArg {
  std::string param;
  Arg arg;
};

// Streaming work: every bound view read or written once (InOut twice), all of them on chip
// at once. The cost of an elementwise or per-row kernel, with `flops` of arithmetic.
CostHint streaming_cost(const std::vector<ParamSpec>& params, const ParamViews& views, double flops);

// The task's descriptor cost for one block (block 0: a grid's only short tiles are its last
// ones), or nullopt when the task has no descriptor or the descriptor no cost function.
std::optional<CostHint> derived_cost(const Task& task);

}  // namespace tg
