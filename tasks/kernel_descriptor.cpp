#include "tasks/kernel_descriptor.hpp"

#include <algorithm>

#include "runtime/error.hpp"

namespace tg {

bool ParamSpec::accepts(DType t) const { return dtypes.empty() || std::find(dtypes.begin(), dtypes.end(), t) != dtypes.end(); }

int KernelDescriptor::param_index(std::string_view param) const {
  for (std::size_t i = 0; i < params.size(); ++i)
    if (params[i].name == param) return static_cast<int>(i);
  return -1;
}

std::string KernelDescriptor::signature() const {
  std::string s = name + "(";
  for (std::size_t i = 0; i < params.size(); ++i) {
    const ParamSpec& p = params[i];
    s += (i ? ", " : "") + std::string(name_of(p.access)) + " " + p.name + (p.optional ? "?" : "");
    if (!p.dtypes.empty()) {
      s += ": ";
      for (std::size_t k = 0; k < p.dtypes.size(); ++k) s += (k ? "|" : "") + std::string(name_of(p.dtypes[k]));
    }
  }
  return s + ")";
}

CostHint streaming_cost(const std::vector<ParamSpec>& params, const ParamViews& views, double flops) {
  CostHint hint;
  hint.flops = flops;
  for (std::size_t i = 0; i < views.size() && i < params.size(); ++i) {
    if (!views[i].valid()) continue;
    const auto bytes = views[i].bytes();
    hint.bytes += static_cast<double>(bytes) * (params[i].access == Access::InOut ? 2 : 1);
    hint.working_set_bytes += bytes;
  }
  return hint;
}

std::optional<CostHint> derived_cost(const Task& task) {
  if (!task.descriptor || !task.descriptor->cost) return std::nullopt;
  ParamViews views(task.descriptor->params.size());
  for (std::size_t p = 0; p < views.size() && p < task.param_args.size(); ++p) {
    const int a = task.param_args[p];
    if (a < 0) continue;
    const auto arg = static_cast<std::size_t>(a);
    const View& whole = task.args[arg].view;
    views[p] = task.tiles.empty() || task.tiles[arg].empty() ? whole : block_tile(whole, task.tiles[arg], task.grid, 0);
  }
  return task.descriptor->cost(views);
}

View TaskContext::param(std::size_t index) const {
  if (!task_->descriptor)
    throw Error(ErrorContext{.task_id = task_->id, .task = task_->label()},
                "TaskContext::param: the task names no kernel descriptor; read its arguments with view(i)");
  if (index >= task_->param_args.size())
    throw Error(ErrorContext{.task_id = task_->id, .task = task_->label()},
                "TaskContext::param: parameter " + std::to_string(index) + " of " + task_->descriptor->signature() +
                    " does not exist");
  const int a = task_->param_args[index];
  return a < 0 ? View{} : block_view(static_cast<std::size_t>(a));
}

View TaskContext::param(std::string_view name) const {
  const int i = task_->descriptor ? task_->descriptor->param_index(name) : -1;
  if (i < 0)
    throw Error(ErrorContext{.task_id = task_->id, .task = task_->label(), .param = std::string(name)},
                "TaskContext::param: no parameter '" + std::string(name) + "'" +
                    (task_->descriptor ? " in " + task_->descriptor->signature() : std::string(" (the task names no kernel descriptor)")));
  return param(static_cast<std::size_t>(i));
}

}  // namespace tg
