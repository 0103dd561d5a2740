// tg.Param, tg.Kernel and the tg.kernels module: every descriptor of the registry (the
// library's, added by register_library() at import) as an attribute, with its parameters
// inspectable; tg.Kernel(...) for a descriptor whose body is a Python callable; a library
// descriptor also runs directly on numpy arrays (tg.kernels.matmul(a, b, c)).
#include <pybind11/stl.h>

#include <mutex>

#include "kernels/descriptors/registry.hpp"
#include "python/kernel_descriptors.hpp"
#include "tasks/kernel_registry.hpp"

namespace tg::python {
namespace {

Access access_from(const py::handle& value) {
  if (py::isinstance<py::str>(value)) {
    const auto s = value.cast<std::string>();
    if (s == "in" || s == "In") return Access::In;
    if (s == "out" || s == "Out") return Access::Out;
    if (s == "inout" || s == "InOut") return Access::InOut;
    throw ConfigError("unknown access '" + s + "' (in, out, inout)");
  }
  return cast_checked<Access>(value, "access", "tg.Access.In / Out / InOut or 'in' / 'out' / 'inout'");
}

TaskKind kind_from(const std::string& s) {
  if (auto k = parse_task_kind(s)) return *k;
  throw ConfigError("unknown task kind '" + s + "' (cube, vector, mix, host)");
}

// A Python cost function of one block's views, {param: View or None} -> tg.Cost. Called by
// Scope::submit, which may run without the GIL (a JSON import), so it takes the GIL itself.
CostFunction python_cost(py::function callable, std::vector<std::string> names) {
  std::shared_ptr<py::object> fn = held_with_gil(std::move(callable));
  return [fn, names = std::move(names)](const ParamViews& views) {
    py::gil_scoped_acquire gil;
    py::dict by_name;
    for (std::size_t i = 0; i < names.size() && i < views.size(); ++i)
      by_name[py::str(names[i])] = views[i].has_buffer() ? py::cast(views[i]) : py::none();
    return cast_checked<CostHint>((*fn)(by_name), "kernel cost function", "a tg.Cost");
  };
}

// The descriptors made by tg.Kernel, so a task's descriptor says whether its body is Python.
struct PythonBodied {
  std::mutex mutex;
  std::vector<std::weak_ptr<const KernelDescriptor>> refs;
};
PythonBodied& python_bodied() {
  static auto* p = new PythonBodied;  // never destroyed: kernels may die during interpreter exit
  return *p;
}

PyKernel make_python_kernel(const std::string& name, const std::vector<ParamSpec>& params, const py::function& body,
                            const std::string& kind, const py::object& cost) {
  KernelDescriptor d;
  d.name = name;
  d.kind = kind_from(kind);
  d.params = params;
  for (std::size_t i = 0; i < params.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (params[i].name == params[j].name)
        throw ConfigError(ErrorContext{.param = params[i].name}, "kernel '" + name + "': parameter '" + params[i].name + "' is declared twice");
  d.body = python_kernel(body);
  if (py::isinstance<CostHint>(cost)) {
    const CostHint fixed = cost.cast<CostHint>();
    d.cost = [fixed](const ParamViews&) { return fixed; };
  } else if (!cost.is_none()) {
    if (!PyCallable_Check(cost.ptr())) throw py::type_error("kernel '" + name + "': cost must be a tg.Cost, a callable or None");
    std::vector<std::string> names;
    for (const auto& p : params) names.push_back(p.name);
    d.cost = python_cost(cost.cast<py::function>(), std::move(names));
  }
  PyKernel made{make_kernel(std::move(d)), true};
  std::lock_guard lock(python_bodied().mutex);
  python_bodied().refs.push_back(made.ref);
  return made;
}

// tg.kernels.matmul(a, b, c) on numpy arrays: a one-block task over views of the arrays, run
// through the descriptor's body without the GIL (C-contiguous arrays: kernels read rows).
void call_on_arrays(const PyKernel& k, const py::args& positional, const py::kwargs& kwargs) {
  if (k.python_body) throw py::type_error("kernel '" + k.ref->name + "' has a Python body: call that function itself");
  KernelRef ref = k.ref;
  py::kwargs options;
  std::vector<std::pair<std::string, py::object>> named;
  for (auto [key, value] : kwargs) {
    if (py::isinstance<py::array>(value)) named.emplace_back(key.cast<std::string>(), py::reinterpret_borrow<py::object>(value));
    else options[key] = value;
  }
  if (options.size()) ref = configure_library_kernel(ref->name, options);
  const KernelDescriptor& d = *ref;
  if (positional.size() > d.params.size())
    throw py::type_error(d.signature() + ": " + std::to_string(positional.size()) + " arrays given, it has " +
                         std::to_string(d.params.size()) + " parameters");
  std::vector<py::object> by_param(d.params.size());
  for (std::size_t i = 0; i < positional.size(); ++i) by_param[i] = py::reinterpret_borrow<py::object>(positional[i]);
  for (auto& [name, value] : named) {
    const int p = d.param_index(name);
    if (p < 0) throw py::type_error(d.signature() + ": no parameter '" + name + "'");
    if (by_param[static_cast<std::size_t>(p)]) throw py::type_error(d.signature() + ": parameter '" + name + "' given twice");
    by_param[static_cast<std::size_t>(p)] = value;
  }
  Task task;
  task.name = d.name;
  task.kind = d.kind;
  task.kernel_name = d.name;
  task.descriptor = ref;
  std::vector<Tensor> keep;
  keep.reserve(d.params.size());
  for (std::size_t p = 0; p < d.params.size(); ++p) {
    const ParamSpec& spec = d.params[p];
    const std::string what = d.name + ": " + spec.name;
    if (!by_param[p]) {
      if (!spec.optional) throw py::type_error(d.signature() + ": parameter '" + spec.name + "' needs an array");
      task.param_args.push_back(-1);
      continue;
    }
    auto a = py::array::ensure(by_param[p]);
    if (!a) throw py::type_error(what + ": expected a numpy array");
    if (!(a.flags() & py::array::c_style)) throw ShapeError(what + ": the array must be C-contiguous (np.ascontiguousarray)");
    if (writes(spec.access) && !a.writeable()) throw ShapeError(what + ": the kernel writes it; pass a writeable array");
    const DType dtype = dtype_of_array(a, what);
    if (!spec.accepts(dtype))
      throw GraphError(ErrorContext{.task = d.name, .arg = static_cast<int>(task.args.size()), .param = spec.name},
                       "parameter '" + spec.name + "' of kernel '" + d.name + "' does not take " +
                           std::string(name_of(dtype)) + " (" + d.signature() + ")");
    keep.push_back(Tensor::wrap(spec.name, dtype, Shape(a.shape(), a.shape() + a.ndim()), const_cast<void*>(a.data())));
    task.param_args.push_back(static_cast<int>(task.args.size()));
    task.params.push_back(spec.name);
    task.args.push_back(Arg{keep.back().view(), spec.access, true, {}});
  }
  if (!d.body) throw ConfigError("kernel '" + d.name + "' has no body to run");
  py::gil_scoped_release release;
  d.body(TaskContext(task, 0));  // bound views and no memory table: the views are used as they are
}

py::list params_of(const KernelDescriptor& d) {
  py::list r;
  for (const auto& p : d.params) r.append(py::cast(p));
  return r;
}

}  // namespace

PyKernel kernel_of(const KernelRef& ref) {
  std::lock_guard lock(python_bodied().mutex);
  auto& refs = python_bodied().refs;
  std::erase_if(refs, [](const auto& w) { return w.expired(); });
  for (const auto& w : refs)
    if (w.lock() == ref) return PyKernel{ref, true};
  return PyKernel{ref, false};
}

std::vector<NamedArg> named_args(const PyKernel& kernel, const std::string& task, const std::vector<Arg>& positional,
                                 std::vector<NamedArg> named) {
  if (!positional.empty() && !named.empty())
    throw py::type_error("task '" + task + "': give its arguments either as a list or by name, not both");
  if (positional.empty()) return named;
  const auto& params = kernel.ref->params;
  if (positional.size() > params.size())
    throw py::type_error("task '" + task + "': " + std::to_string(positional.size()) + " arguments for " +
                         kernel.ref->signature());
  std::vector<NamedArg> out;
  for (std::size_t i = 0; i < positional.size(); ++i) out.push_back(NamedArg{params[i].name, positional[i]});
  return out;
}

void bind_kernel_descriptors(py::module_& m) {
  py::class_<ParamSpec>(m, "Param",
                        "A kernel parameter: name, access (tg.Access), accepted dtypes (empty: any), optional.")
      .def(py::init([](std::string name, const py::object& access, const py::object& dtypes, bool optional) {
             ParamSpec p{std::move(name), access_from(access), {}, optional};
             if (!dtypes.is_none())
               for (auto d : dtypes) p.dtypes.push_back(dtype_from(d));
             return p;
           }),
           py::arg("name"), py::arg("access"), py::arg("dtypes") = py::none(), py::arg("optional") = false)
      .def_readonly("name", &ParamSpec::name)
      .def_readonly("access", &ParamSpec::access)
      .def_readonly("dtypes", &ParamSpec::dtypes)
      .def_readonly("optional", &ParamSpec::optional)
      .def("accepts", &ParamSpec::accepts, py::arg("dtype"))
      .def("__repr__", [](const ParamSpec& p) {
        std::string s = "<tg.Param " + std::string(name_of(p.access)) + " " + p.name + (p.optional ? "?" : "");
        for (std::size_t i = 0; i < p.dtypes.size(); ++i) s += (i ? "|" : ": ") + std::string(name_of(p.dtypes[i]));
        return s + ">";
      });

  py::class_<PyKernel>(m, "Kernel",
                       "A kernel descriptor: name, default kind, parameters (name, access, dtypes), body, cost. "
                       "tg.kernels.<name> are the library's; tg.Kernel(name, params, body, kind='host', cost=None) "
                       "makes one whose body is a Python callable fn(ctx) (host-only: it runs on the host executor "
                       "and in functional simulation, taking the GIL for each block). cost: a tg.Cost per block, "
                       "or a callable {param: View or None} -> tg.Cost of one block's views.")
      .def(py::init(&make_python_kernel), py::arg("name"), py::arg("params"), py::arg("body"), py::arg("kind") = "host",
           py::arg("cost") = py::none())
      .def_property_readonly("name", [](const PyKernel& k) { return k.ref->name; })
      .def_property_readonly("kind", [](const PyKernel& k) { return std::string(name_of(k.ref->kind)); })
      .def_property_readonly("params", [](const PyKernel& k) { return params_of(*k.ref); })
      .def_property_readonly("param_names", [](const PyKernel& k) {
        std::vector<std::string> r;
        for (const auto& p : k.ref->params) r.push_back(p.name);
        return r;
      })
      .def("param", [](const PyKernel& k, const std::string& name) {
        const int i = k.ref->param_index(name);
        if (i < 0) throw py::key_error(k.ref->signature() + " has no parameter '" + name + "'");
        return k.ref->params[static_cast<std::size_t>(i)];
      }, py::arg("name"))
      .def_property_readonly("signature", [](const PyKernel& k) { return k.ref->signature(); })
      .def_property_readonly("has_cost", [](const PyKernel& k) { return static_cast<bool>(k.ref->cost); })
      .def_property_readonly("python_body", [](const PyKernel& k) { return k.python_body; })
      .def_property_readonly("option_names", [](const PyKernel& k) {
        return k.python_body ? std::vector<std::string>{} : library_option_names(k.ref->name);
      })
      .def("options", [](const PyKernel& k, const py::kwargs& kw) {
        if (k.python_body) throw ConfigError("kernel '" + k.ref->name + "' has a Python body: it takes no options");
        return PyKernel{configure_library_kernel(k.ref->name, kw), false};
      }, "The kernel made again with options, e.g. tg.kernels.rmsnorm.options(eps=1e-5).")
      .def("__call__", &call_on_arrays,
           "Runs the kernel on numpy arrays (C-contiguous; uint16 = bf16): positional in parameter order, or by "
           "parameter name; other keywords are options.")
      .def("__eq__", [](const PyKernel& a, const py::object& b) {
        return py::isinstance<PyKernel>(b) && a.ref == b.cast<const PyKernel&>().ref;
      })
      .def("__hash__", [](const PyKernel& k) { return std::hash<const void*>{}(k.ref.get()); })
      .def("__repr__", [](const PyKernel& k) { return "<tg.Kernel " + k.ref->signature() + ">"; });

  kernels::descriptors::register_library();  // JSON scopes and tg.kernels name them
  py::module_ k = m.def_submodule("kernels",
                                  "Every kernel descriptor of the registry (docs/kernels.md): s.cube(tg.kernels.matmul, "
                                  "a=tg.In(x), b=tg.In(w), c=tg.Out(y)); tg.kernels.matmul(a, b, c) on numpy arrays.");
  const auto names = kernel_registry().names();
  for (const auto& name : names) k.attr(name.c_str()) = PyKernel{kernel_registry().find(name), false};
  k.attr("names") = names;
  k.def("find", [](const std::string& name) -> py::object {
    KernelRef ref = kernel_registry().find(name);
    return ref ? py::cast(PyKernel{ref, false}) : py::object(py::none());
  }, py::arg("name"), "The registry's descriptor of that name, or None.");
}

}  // namespace tg::python
