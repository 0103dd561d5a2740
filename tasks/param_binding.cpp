#include "tasks/param_binding.hpp"

namespace tg::detail {

namespace {

std::string param_list(const KernelDescriptor& d) {
  std::string s;
  for (const auto& p : d.params) s += (s.empty() ? "" : ", ") + p.name;
  return s;
}

std::string dtype_list(const ParamSpec& p) {
  std::string s;
  for (DType t : p.dtypes) s += (s.empty() ? "" : " | ") + std::string(name_of(t));
  return s;
}

}  // namespace

BoundParams bind_params(const KernelDescriptor& d, std::vector<NamedArg> named, const ErrorContext& task) {
  std::vector<int> given(d.params.size(), -1);  // parameter -> index into `named`
  for (std::size_t i = 0; i < named.size(); ++i) {
    const NamedArg& n = named[i];
    ErrorContext where = task;
    where.arg = static_cast<int>(i);
    where.param = n.param;
    const int p = d.param_index(n.param);
    if (p < 0)
      throw GraphError(where, "kernel '" + d.name + "' has no parameter '" + n.param + "'; its parameters are " +
                                  param_list(d) + " (" + d.signature() + ")");
    if (given[static_cast<std::size_t>(p)] >= 0)
      throw GraphError(where, "parameter '" + n.param + "' is bound twice (also by argument " +
                                  std::to_string(given[static_cast<std::size_t>(p)]) + "); bind each parameter once");
    given[static_cast<std::size_t>(p)] = static_cast<int>(i);
    const ParamSpec& spec = d.params[static_cast<std::size_t>(p)];
    const View& v = n.arg.view;
    if (v.defect()) v.defect()->rethrow_with(where);
    if (!v.has_buffer()) throw GraphError(where, "parameter '" + n.param + "' is bound to an empty view (View{}); leave an optional parameter out instead");
    where.buffer = v.buffer().name();
    if (n.arg.access != spec.access)
      throw GraphError(where, "parameter '" + n.param + "' of kernel '" + d.name + "' is " + std::string(name_of(spec.access)) +
                                  ", but the argument (" + v.describe() + ") is passed as " +
                                  std::string(name_of(n.arg.access)) + "; pass it as " + std::string(name_of(spec.access)) +
                                  "(...)");
    if (!spec.accepts(v.dtype()))
      throw GraphError(where, "parameter '" + n.param + "' of kernel '" + d.name + "' takes " + dtype_list(spec) + ", but " +
                                  v.describe() + " is " + std::string(name_of(v.dtype())) +
                                  "; cast it first or pick the kernel for that dtype");
  }
  BoundParams out;
  out.param_args = given;
  for (std::size_t p = 0; p < d.params.size(); ++p) {
    if (given[p] >= 0 || d.params[p].optional) continue;
    ErrorContext where = task;
    where.param = d.params[p].name;
    throw GraphError(where, "parameter '" + d.params[p].name + "' of kernel '" + d.name + "' is not bound; " +
                                d.signature() + " needs it");
  }
  for (NamedArg& n : named) {
    out.names.push_back(std::move(n.param));
    out.args.push_back(std::move(n.arg));
  }
  return out;
}

}  // namespace tg::detail
