// Scopes the Python way: buffers by name, shape and dtype; views with slicing
// (x[:, 64:128]), rows / cols / reshape; tasks with argument lists or named arguments;
// .blocks(n), .after(t), .cost(...); `with s.nest("name"):`; s.pipeline(n, stages, body).
// And the Graph finalize() gives back.
#include <optional>

#include "python/bindings.hpp"
#include "python/kernel_descriptors.hpp"
#include "tasks/edge_region.hpp"
#include "tasks/scope.hpp"

namespace tg::python {
namespace {

// The Python Scope. Views point at buffer descriptors that finalize() moves into the Graph,
// so the graphs finalized here are kept: a view made before finalize() stays valid.
struct PyScope {
  explicit PyScope(std::string name) : scope(std::make_unique<Scope>(std::move(name))) {}
  std::unique_ptr<Scope> scope;
  std::vector<std::shared_ptr<Graph>> graphs;
};

// `with s.nest("name"):` enters the nested scope for the block's submissions.
struct PyNested {
  PyScope* owner;
  std::string name;
  std::optional<Scope::Nested> guard;
};

// (start, size) of one Python index along a dim of `extent`: no clamping, so a slice past
// the end makes a defective view whose ShapeError names the box (as in C++).
std::pair<std::int64_t, std::int64_t> index_range(const py::handle& key, std::int64_t extent, int dim) {
  if (py::isinstance<py::slice>(key)) {
    const py::object start = key.attr("start"), stop = key.attr("stop"), step = key.attr("step");
    if (!step.is_none() && step.cast<std::int64_t>() != 1)
      throw ShapeError("view slicing: dim " + std::to_string(dim) + " has step " + std::string(py::str(step)) +
                       "; views are boxes (step 1 only)");
    const std::string what = "view slicing: dim " + std::to_string(dim);
    std::int64_t b = start.is_none() ? 0 : cast_checked<std::int64_t>(start, what, "an int");
    std::int64_t e = stop.is_none() ? extent : cast_checked<std::int64_t>(stop, what, "an int");
    if (b < 0) b += extent;
    if (e < 0) e += extent;
    return {b, e - b};
  }
  // An integer keeps its dim (size 1): views keep their rank; reshape to drop it.
  std::int64_t i = cast_checked<std::int64_t>(key, "view slicing: dim " + std::to_string(dim), "an int or a slice");
  if (i < 0) i += extent;
  return {i, 1};
}

View slice_view(const View& v, const py::object& key) {
  py::tuple keys = py::isinstance<py::tuple>(key) ? key.cast<py::tuple>() : py::make_tuple(key);
  if (static_cast<int>(keys.size()) > v.rank())
    throw ShapeError("view slicing: " + std::to_string(keys.size()) + " indices for the rank-" +
                     std::to_string(v.rank()) + " view " + v.describe());
  Shape offsets(static_cast<std::size_t>(v.rank()), 0), sizes = v.sizes();
  for (std::size_t d = 0; d < keys.size(); ++d) {
    if (keys[d].ptr() == Py_Ellipsis) throw ShapeError("view slicing: '...' is not supported; give each dim or trailing ':'");
    auto [b, n] = index_range(keys[d], v.size(static_cast<int>(d)), static_cast<int>(d));
    offsets[d] = b;
    sizes[d] = n;
  }
  return v.slice(offsets, sizes);
}

Shape shape_from(const py::handle& shape) {
  if (py::isinstance<py::int_>(shape)) return Shape{shape.cast<std::int64_t>()};
  if (py::isinstance<py::str>(shape)) throw py::type_error("shape: expected a list of ints, got a str");
  return cast_checked<Shape>(shape, "shape", "a list of ints");
}

TaskId task_id_of(const py::handle& t) {
  if (py::isinstance<TaskRef>(t)) return t.cast<TaskRef>().id();
  return cast_checked<TaskId>(t, "after", "a task (TaskRef) or a task id");
}

void apply_setting(TaskRef& ref, const std::string& key, const py::handle& value) {
  if (key == "blocks" || key == "block_num") {
    ref.blocks(cast_checked<int>(value, key, "an int"));
  } else if (key == "after") {
    if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
      for (auto t : value) ref.after(task_id_of(t));
    } else {
      ref.after(task_id_of(value));
    }
  } else if (key == "cost") {
    ref.cost(cast_checked<CostHint>(value, "cost", "a tg.Cost(flops=..., bytes=...)"));
  } else if (key == "sync_start") {
    ref.sync_start(cast_checked<bool>(value, key, "a bool"));
  } else if (key == "mix_slots") {
    const int slots = cast_checked<int>(value, key, "an int (tg.SLOT_AIC | tg.SLOT_AIV0 | tg.SLOT_AIV1)");
    if (slots < 0 || slots > 255) throw GraphError("mix_slots " + std::to_string(slots) + " is not a set of AIC|AIV0|AIV1");
    ref.mix_slots(static_cast<std::uint8_t>(slots));
  } else if (key == "kernel_name") {
    ref.kernel_name(cast_checked<std::string>(value, key, "a str"));
  } else if (key == "expect_dtypes") {
    std::vector<std::optional<DType>> dtypes;
    for (auto d : value) dtypes.push_back(d.is_none() ? std::nullopt : std::optional<DType>(dtype_from(d)));
    ref.expect_dtypes(std::move(dtypes));
  }
}

// Checked before the task is submitted, so a typo leaves the scope as it was.
void check_setting(const std::string& task, const std::string& key) {
  static const char* const known[] = {"blocks", "block_num", "after", "cost", "sync_start",
                                      "mix_slots", "kernel_name", "expect_dtypes"};
  for (const char* k : known)
    if (key == k) return;
  throw py::type_error("task '" + task + "': unknown setting '" + key +
                       "' (a named argument must be tg.In/Out/InOut(view); settings: blocks, after, cost, "
                       "sync_start, mix_slots, kernel_name, expect_dtypes)");
}

// Named arguments: keyword values that are tg.Arg, in their order; the rest are settings.
struct Keywords {
  std::vector<NamedArg> named;
  std::vector<std::pair<std::string, py::handle>> settings;
};

Keywords split_keywords(const std::string& task, const py::kwargs& kwargs) {
  Keywords k;
  for (auto [key, value] : kwargs) {
    if (py::isinstance<Arg>(value)) {
      k.named.push_back(NamedArg{key.cast<std::string>(), value.cast<Arg>()});
    } else {
      k.settings.emplace_back(key.cast<std::string>(), value);
      check_setting(task, k.settings.back().first);
    }
  }
  return k;
}

// s.cube(name | kernel descriptor, [args], kernel=..., **named_args_and_settings). With a
// descriptor (tg.kernels.*, tg.Kernel) the arguments are bound by name and checked by
// Scope::submit, which derives the cost; without one, named arguments only name the
// parameters (the JSON v2 `param` fields). `kind` empty: the descriptor's.
TaskRef submit(PyScope& s, std::optional<TaskKind> kind, const py::object& what, const py::object& args,
               const py::object& kernel, const py::kwargs& kwargs) {
  std::string name;
  const PyKernel* descriptor = nullptr;
  Kernel k;
  if (py::isinstance<py::str>(what)) {
    name = what.cast<std::string>();
  } else if (py::isinstance<PyKernel>(what)) {
    descriptor = &what.cast<const PyKernel&>();
    name = descriptor->ref->name;
  } else {
    throw py::type_error("a task is submitted with its name (str) or a kernel descriptor (tg.kernels.*, tg.Kernel)");
  }
  if (!kernel.is_none()) {
    if (descriptor) throw py::type_error("task '" + name + "': a kernel descriptor and kernel= at once");
    if (py::isinstance<PyKernel>(kernel)) {
      descriptor = &kernel.cast<const PyKernel&>();
    } else if (PyCallable_Check(kernel.ptr())) {
      k = python_kernel(kernel.cast<py::function>());
    } else {
      throw py::type_error("task '" + name + "': kernel= must be a Python callable or a kernel descriptor (tg.kernels.*)");
    }
  }
  std::vector<Arg> arg_list;
  if (!args.is_none())
    arg_list = cast_checked<std::vector<Arg>>(args, "task '" + name + "': args", "a list of tg.In/Out/InOut(view)");
  Keywords keywords = split_keywords(name, kwargs);
  std::optional<TaskRef> ref;
  if (descriptor) {
    auto named = named_args(*descriptor, name, arg_list, std::move(keywords.named));
    ref = s.scope->submit(kind.value_or(descriptor->ref->kind), std::move(name), descriptor->ref, std::move(named));
  } else {
    if (!kind) throw py::type_error("s.submit(...) takes a kernel descriptor; use s.cube / vector / mix / host otherwise");
    std::vector<std::string> params;
    for (auto& n : keywords.named) {
      params.push_back(std::move(n.param));
      arg_list.push_back(std::move(n.arg));
    }
    if (!params.empty() && params.size() != arg_list.size())
      throw py::type_error("task '" + name + "': give its arguments either as a list or by name, not both");
    ref = s.scope->submit(*kind, std::move(name), std::move(arg_list), std::move(k));
    if (!params.empty()) ref->param_names(std::move(params));
  }
  for (const auto& [key, value] : keywords.settings) apply_setting(*ref, key, value);
  return *ref;
}

void check_task(const Graph& g, TaskId t) {
  if (t >= g.num_tasks())
    throw py::index_error("task id " + std::to_string(t) + " of a graph with " + std::to_string(g.num_tasks()) + " tasks");
}

py::dict buffer_dict(const Graph& g, const Buffer& b) {
  py::dict d;
  d["name"] = b.name();
  d["dtype"] = b.dtype();
  d["shape"] = b.shape();
  d["role"] = std::string(name_of(b.role()));
  d["scope"] = g.scopes().at(b.scope()).name;
  return d;
}

py::dict edge_dict(const Graph& g, const Edge& e) {
  py::dict d;
  d["from"] = e.from;
  d["to"] = e.to;
  d["kind"] = std::string(name_of(e.kind));
  d["buffer"] = e.buffer == kNoBuffer ? py::object(py::none()) : py::object(py::str(g.buffers().at(e.buffer)->name()));
  const auto region = edge_region(g, e);
  d["region"] = region ? py::object(py::str(box_to_string(*region))) : py::object(py::none());
  d["from_arg"] = e.from_arg;
  d["to_arg"] = e.to_arg;
  return d;
}

}  // namespace

void bind_scope(py::module_& m) {
  py::enum_<Access>(m, "Access").value("In", Access::In).value("Out", Access::Out).value("InOut", Access::InOut);

  py::class_<View>(m, "View",
                   "A strided box inside a buffer: what a task argument names. Slice it like numpy "
                   "(x[:, 64:128]; an integer keeps its dim as size 1; step 1 only). A slice that does not fit "
                   "gives a defective view: submitting it raises its ShapeError with the task added.")
      .def_property_readonly("shape", [](const View& v) { return Shape(v.sizes()); })
      .def_property_readonly("dtype", [](const View& v) { return v.dtype(); })
      .def_property_readonly("buffer", [](const View& v) { return v.buffer().name(); })
      .def_property_readonly("role", [](const View& v) { return std::string(name_of(v.buffer().role())); })
      .def_property_readonly("valid", &View::valid)
      .def_property_readonly("defect", [](const View& v) -> py::object {
        return v.defect() ? py::object(py::str(v.defect()->what())) : py::object(py::none());
      })
      .def_property_readonly("numel", &View::numel)
      .def_property_readonly("nbytes", &View::bytes)
      .def_property_readonly("box", [](const View& v) -> py::object {
        if (!v.box()) return py::none();
        return py::make_tuple(Shape(v.box()->offsets), Shape(v.box()->sizes));
      })
      .def("__getitem__", &slice_view, py::keep_alive<0, 1>())
      .def("slice", [](const View& v, const Shape& offsets, const Shape& sizes) { return v.slice(offsets, sizes); },
           py::arg("offsets"), py::arg("sizes"), py::keep_alive<0, 1>())
      .def("rows", &View::rows, py::arg("start"), py::arg("count"), py::keep_alive<0, 1>())
      .def("cols", &View::cols, py::arg("start"), py::arg("count"), py::keep_alive<0, 1>())
      .def("reshape", [](const View& v, const py::args& dims) {
        if (dims.size() == 1 && !py::isinstance<py::int_>(dims[0])) return v.reshape(dims[0].cast<Shape>());
        return v.reshape(dims.cast<Shape>());
      }, py::keep_alive<0, 1>())
      .def("flatten", &View::flatten, py::keep_alive<0, 1>())
      .def("is_contiguous", &View::is_contiguous)
      .def("describe", &View::describe)
      .def("__repr__", [](const View& v) { return "<tg.View " + (v.has_buffer() ? v.describe() : "(empty)") + ">"; })
      .def("__eq__", [](const View& a, const View& b) { return a == b; });

  py::class_<Arg>(m, "Arg", "A task argument: a view and how the task touches it (tg.In / tg.Out / tg.InOut).")
      .def_readonly("view", &Arg::view)
      .def_readonly("access", &Arg::access)
      .def_readonly("infer", &Arg::infer)
      .def("__repr__", [](const Arg& a) { return std::string(name_of(a.access)) + "(" + a.view.describe() + ")"; });
  m.def("In", &In, py::arg("view"), py::keep_alive<0, 1>(), "Read by the task.");
  m.def("Out", &Out, py::arg("view"), py::keep_alive<0, 1>(), "Written by the task.");
  m.def("InOut", &InOut, py::arg("view"), py::keep_alive<0, 1>(), "Read and written by the task.");
  m.def("NoDep", &NoDep, py::arg("arg"), py::keep_alive<0, 1>(), "The argument creates and updates no dependencies.");

  py::class_<CostHint>(m, "Cost", "What one block of a task costs on the device (simulator, roofline).")
      .def(py::init([](double flops, double bytes, std::uint64_t working_set_bytes, bool int8) {
             return CostHint{flops, bytes, working_set_bytes, int8};
           }),
           py::kw_only(), py::arg("flops") = 0.0, py::arg("bytes") = 0.0, py::arg("working_set_bytes") = 0,
           py::arg("int8") = false)
      .def_readwrite("flops", &CostHint::flops)
      .def_readwrite("bytes", &CostHint::bytes)
      .def_readwrite("working_set_bytes", &CostHint::working_set_bytes)
      .def_readwrite("int8", &CostHint::int8);

  py::class_<TaskRef>(m, "TaskRef", "A submitted task; settings chain: s.vector(...).blocks(4).after(t).")
      .def_property_readonly("id", &TaskRef::id)
      .def("__int__", &TaskRef::id)
      .def("__index__", &TaskRef::id)
      .def("blocks", &TaskRef::blocks, py::arg("block_num"), py::return_value_policy::reference_internal)
      .def("cost", [](TaskRef& r, const py::object& hint, const py::kwargs& kw) -> TaskRef& {
        if (!hint.is_none()) return r.cost(hint.cast<CostHint>());
        CostHint c;
        for (auto [k, v] : kw) {
          const auto key = k.cast<std::string>();
          if (key == "flops") c.flops = v.cast<double>();
          else if (key == "bytes") c.bytes = v.cast<double>();
          else if (key == "working_set_bytes") c.working_set_bytes = v.cast<std::uint64_t>();
          else if (key == "int8") c.int8 = v.cast<bool>();
          else throw py::type_error("cost(): unknown field '" + key + "' (flops, bytes, working_set_bytes, int8)");
        }
        return r.cost(c);
      }, py::arg("hint") = py::none(), py::return_value_policy::reference_internal)
      .def("after", [](TaskRef& r, const py::args& tasks) -> TaskRef& {
        for (auto t : tasks) r.after(task_id_of(t));
        return r;
      }, py::return_value_policy::reference_internal)
      .def("sync_start", &TaskRef::sync_start, py::arg("on") = true, py::return_value_policy::reference_internal)
      .def("mix_slots", &TaskRef::mix_slots, py::arg("slots"), py::return_value_policy::reference_internal)
      .def("kernel_name", &TaskRef::kernel_name, py::arg("name"), py::return_value_policy::reference_internal)
      .def("param_names", &TaskRef::param_names, py::arg("names"), py::return_value_policy::reference_internal)
      .def("__repr__", [](const TaskRef& r) { return "<tg.TaskRef " + std::to_string(r.id()) + ">"; });
  m.attr("SLOT_AIC") = static_cast<int>(kSlotAic);
  m.attr("SLOT_AIV0") = static_cast<int>(kSlotAiv0);
  m.attr("SLOT_AIV1") = static_cast<int>(kSlotAiv1);
  m.attr("SLOT_ALL") = static_cast<int>(kSlotAll);

  py::class_<PipelineStep>(m, "PipelineStep")
      .def_readonly("iter", &PipelineStep::iter)
      .def_readonly("slot", &PipelineStep::slot)
      .def("__repr__", [](const PipelineStep& p) {
        return "<tg.PipelineStep iter " + std::to_string(p.iter) + " slot " + std::to_string(p.slot) + ">";
      });
  py::class_<StagingRing>(m, "StagingRing", "Per-stage staging tiles of a pipelined loop: ring[step] is a view.")
      .def_property_readonly("stages", &StagingRing::stages)
      .def("__getitem__", [](const StagingRing& r, const PipelineStep& s) { return r[s]; }, py::keep_alive<0, 1>())
      .def("__getitem__", [](const StagingRing& r, int i) { return r.slot(i); }, py::keep_alive<0, 1>())
      .def("__len__", &StagingRing::stages);

  py::class_<PyNested>(m, "NestedScope", "`with s.nest(\"name\"):` puts the block's tasks and staging in it.")
      .def("__enter__", [](PyNested& n) -> PyNested& {
        if (n.guard) throw GraphError("nested scope '" + n.name + "' entered twice");
        n.guard.emplace(n.owner->scope->nest(n.name));
        return n;
      }, py::return_value_policy::reference)
      .def("__exit__", [](PyNested& n, const py::args&) { n.guard.reset(); return false; });

  py::class_<Task>(m, "Task", "A task of a Graph (read-only).")
      .def_readonly("id", &Task::id)
      .def_readonly("name", &Task::name)
      .def_property_readonly("label", &Task::label)
      .def_property_readonly("kind", [](const Task& t) { return std::string(name_of(t.kind)); })
      .def_readonly("args", &Task::args)
      .def_readonly("kernel_name", &Task::kernel_name)
      .def_readonly("params", &Task::params)
      .def_readonly("block_num", &Task::block_num)
      .def_readonly("sync_start", &Task::sync_start)
      .def_readonly("mix_slots", &Task::mix_slots)
      .def_readonly("cost", &Task::cost)
      .def_readonly("after", &Task::after)
      .def_readonly("scope", &Task::scope)
      .def_property_readonly("has_kernel", [](const Task& t) { return static_cast<bool>(t.kernel); })
      .def_readonly("cost_given", &Task::cost_given)
      .def_property_readonly("descriptor", [](const Task& t) -> py::object {
        return t.descriptor ? py::cast(kernel_of(t.descriptor)) : py::object(py::none());
      })
      .def_readonly("param_args", &Task::param_args)
      .def_property_readonly("tiles", [](const Task& t) {
        py::list r;
        for (const auto& dims : t.tiles) {
          py::list per_arg;
          for (const auto& d : dims) per_arg.append(d.axis < 0 ? py::object(py::none()) : py::object(py::make_tuple(d.axis, d.tile)));
          r.append(per_arg);
        }
        return r;
      })
      .def_property_readonly("grid", [](const Task& t) { return t.grid.extents; })
      .def("param", [](const Task& t, const std::string& name) -> py::object {
        const int p = t.descriptor ? t.descriptor->param_index(name) : -1;
        if (p < 0 || static_cast<std::size_t>(p) >= t.param_args.size())
          throw py::key_error("task " + t.label() + " has no descriptor parameter '" + name + "'");
        const int a = t.param_args[static_cast<std::size_t>(p)];
        return a < 0 ? py::object(py::none()) : py::cast(t.args[static_cast<std::size_t>(a)]);
      }, py::arg("name"), "The argument bound to descriptor parameter `name` (None: an optional one left unbound).")
      .def("__repr__", [](const Task& t) { return "<tg.Task " + t.label() + " " + std::string(name_of(t.kind)) + ">"; });

  py::class_<Graph, std::shared_ptr<Graph>>(m, "Graph",
                                            "The immutable program a Scope finalizes to: tasks, edges with "
                                            "provenance, buffer descriptors, the lint summary. No memory.")
      .def_property_readonly("name", &Graph::name)
      .def_property_readonly("num_tasks", &Graph::num_tasks)
      .def("__len__", &Graph::num_tasks)
      .def("task", &Graph::task, py::arg("id"), py::return_value_policy::reference_internal)
      .def_property_readonly("tasks", [](const Graph& g) {
        py::list r;
        for (const auto& t : g.tasks()) r.append(py::cast(t, py::return_value_policy::copy));
        return r;
      })
      .def_property_readonly("edges", [](const Graph& g) {
        py::list r;
        for (const auto& e : g.edges()) r.append(edge_dict(g, e));
        return r;
      })
      .def("successors", [](const Graph& g, TaskId t) {
        check_task(g, t);
        auto s = g.successors(t);
        return std::vector<TaskId>(s.begin(), s.end());
      })
      .def("predecessors", [](const Graph& g, TaskId t) {
        check_task(g, t);
        auto s = g.predecessors(t);
        return std::vector<TaskId>(s.begin(), s.end());
      })
      .def_property_readonly("topo_order", &Graph::topo_order)
      .def_property_readonly("buffers", [](const Graph& g) {
        py::list r;
        for (const auto& b : g.buffers()) r.append(buffer_dict(g, *b));
        return r;
      })
      .def_property_readonly("scopes", [](const Graph& g) {
        py::list r;
        for (const auto& s : g.scopes()) r.append(py::make_tuple(s.name, s.parent));
        return r;
      })
      .def("view", &Graph::view, py::arg("buffer"), py::keep_alive<0, 1>())
      .def("verify", &Graph::verify)
      .def("bind", [](std::shared_ptr<Graph> g, const py::kwargs& arrays) {
        auto b = std::make_unique<PyBindings>(std::move(g));
        for (auto [name, array] : arrays) b->bind(name.cast<std::string>(), py::reinterpret_borrow<py::object>(array));
        return b;
      }, "Memory for a run: each keyword binds a numpy array to the buffer of that name.")
      .def("__repr__", [](const Graph& g) {
        return "<tg.Graph '" + g.name() + "': " + std::to_string(g.num_tasks()) + " tasks, " +
               std::to_string(g.edges().size()) + " edges>";
      });

  py::class_<PyScope>(m, "Scope", "The builder: declare buffers, submit tasks, finalize() to a Graph.")
      .def(py::init<std::string>(), py::arg("name"))
      .def_property_readonly("name", [](const PyScope& s) { return s.scope->name(); })
      .def_property_readonly("num_tasks", [](const PyScope& s) { return s.scope->num_tasks(); })
      .def_property_readonly("live_regions", [](const PyScope& s) { return s.scope->live_regions(); })
      .def("task", [](const PyScope& s, TaskId id) { return s.scope->task(id); }, py::arg("id"))
      .def("buffer", [](PyScope& s, std::string name, const py::object& shape, const py::object& dtype,
                        const std::string& role) {
        const auto r = parse_role(role);
        if (!r) throw ConfigError("buffer '" + name + "': unknown role '" + role + "' (input, output, inout, weight, staging)");
        return s.scope->buffer(std::move(name), shape_from(shape), dtype_from(dtype), *r);
      }, py::arg("name"), py::arg("shape"), py::arg("dtype"), py::arg("role"), py::keep_alive<0, 1>())
      .def("staging_ring", [](PyScope& s, const std::string& name, int stages, const py::object& shape,
                              const py::object& dtype) {
        return s.scope->staging_ring(name, stages, shape_from(shape), dtype_from(dtype));
      }, py::arg("name"), py::arg("stages"), py::arg("shape"), py::arg("dtype"), py::keep_alive<0, 1>())
      .def("nest", [](PyScope& s, std::string name) { return PyNested{&s, std::move(name), std::nullopt}; },
           py::arg("name"), py::keep_alive<0, 1>())
      .def("pipeline", [](PyScope& s, std::int64_t n_iters, int stages, const py::function& body) {
        s.scope->pipeline(n_iters, stages, [&](const PipelineStep& step) { body(step); });
      }, py::arg("n_iters"), py::arg("stages"), py::arg("body"),
         "Calls body(step) for each iteration; step.slot = step.iter % stages picks the ring slot.")
      .def("finalize", [](PyScope& s, bool lint) {
        FinalizeOptions options{.lint = lint ? Lint::On : Lint::Off};
        std::shared_ptr<Graph> g;
        {
          py::gil_scoped_release release;
          g = std::make_shared<Graph>(s.scope->finalize(options));
        }
        s.graphs.push_back(g);
        return g;
      }, py::arg("lint") = true,
         "Builds the Graph (the scope is empty afterwards). lint=True: lint errors raise LintError; "
         "lint=False builds graphs with hazards on purpose.");

  // Buffer roles and task kinds as methods: s.input(...), s.cube(...), ...
  auto cls = py::type::of<PyScope>();
  for (const char* role : {"input", "weight", "output", "inout", "staging"}) {
    const Role r = *parse_role(role);
    cls.attr(role) = py::cpp_function(
        [r](PyScope& s, std::string name, const py::object& shape, const py::object& dtype) {
          return s.scope->buffer(std::move(name), shape_from(shape), dtype_from(dtype), r);
        },
        py::name(role), py::is_method(cls), py::sibling(py::getattr(cls, role, py::none())), py::arg("name"),
        py::arg("shape"), py::arg("dtype"), py::keep_alive<0, 1>());
  }
  for (TaskKind kind : {TaskKind::Cube, TaskKind::Vector, TaskKind::Mix, TaskKind::Host}) {
    const std::string name(name_of(kind));
    cls.attr(name.c_str()) = py::cpp_function(
        [kind](PyScope& s, const py::object& what, const py::object& args, const py::object& kernel,
               const py::kwargs& kwargs) { return submit(s, kind, what, args, kernel, kwargs); },
        py::name(name.c_str()), py::is_method(cls), py::arg("name"), py::arg("args") = py::none(),
        py::arg("kernel") = py::none(), py::keep_alive<0, 1>(),
        "Submits a task. With a kernel descriptor: s.cube(tg.kernels.matmul, a=tg.In(x), b=tg.In(w), "
        "c=tg.Out(y)) (or s.cube('proj', kernel=tg.kernels.matmul, ...), or its arguments as a list in "
        "parameter order): the binding is checked and the cost derived, as in C++. Without: "
        "s.cube('proj', [tg.In(x), tg.Out(y)], kernel=fn) or named arguments, whose names become the "
        "parameter names. Settings: blocks=, after=, cost=, sync_start=, mix_slots=, kernel_name=, "
        "expect_dtypes=.");
  }
  cls.attr("submit") = py::cpp_function(
      [](PyScope& s, const py::object& what, const py::object& args, const py::object& kernel, const py::kwargs& kwargs) {
        return submit(s, std::nullopt, what, args, kernel, kwargs);
      },
      py::name("submit"), py::is_method(cls), py::arg("name"), py::arg("args") = py::none(),
      py::arg("kernel") = py::none(), py::keep_alive<0, 1>(),
      "Submits a task of a kernel descriptor with the descriptor's kind: s.submit(tg.kernels.rmsnorm, x=..., y=...).");
}

}  // namespace tg::python
