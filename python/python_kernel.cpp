// Host kernels written in Python (for prototyping: host-only and far slower than C++
// kernels, and blocks of Python kernels take turns on the GIL). The executor runs C++
// without the GIL; each block of a Python kernel takes it, calls fn(ctx) and lets it go.
// A Python exception is kept here with its traceback, the executor sees a C++ exception and
// reports a KernelError naming the task and block, and the run's binding raises that as
// tilegraph.KernelError with the original exception as its __cause__.
#include <map>
#include <mutex>

#include "python/bindings.hpp"
#include "tasks/kernel_descriptor.hpp"

namespace tg::python {
namespace {

// What fn(ctx) gets: the block, and the task's arguments as numpy arrays over the run's
// memory. Valid only during the call (the arrays point into memory the run owns).
struct PyTaskContext {
  const TaskContext* context = nullptr;
  // Every array handed out during the call: one kept past it would point into memory the
  // run reuses and frees (a silent wrong answer, or a read of freed memory), so the call's
  // end checks that none escaped.
  std::vector<py::object> handed_out;
  const TaskContext& get() const {
    if (!context) throw Error("a kernel's context is valid only while the kernel runs");
    return *context;
  }
};

py::array hand_out(py::object self, py::array array) {
  self.cast<PyTaskContext&>().handed_out.push_back(array);
  return array;
}

// After a call that returned: an array of ctx.arg / ctx.param still referenced from
// anywhere but our list (a global, a closure, a view of it) escaped the call.
void refuse_escaped_arrays(PyTaskContext& ctx, const TaskContext& c) {
  std::vector<py::object> arrays = std::move(ctx.handed_out);
  ctx.handed_out.clear();
  for (const py::object& a : arrays)
    if (Py_REFCNT(a.ptr()) > 1)
      throw Error(ErrorContext{.task = c.task().label()},
                  "block " + std::to_string(c.block_idx()) +
                      ": an array from ctx.arg / ctx.param is still referenced after the kernel returned; it "
                      "points into the run's memory, which is reused and freed after the run: keep a copy "
                      "(numpy.copy(ctx.arg(i))) instead");
}

// Python exceptions of failed blocks, by (task, block), until the run's binding takes them.
struct FailureStore {
  std::mutex mutex;
  std::map<std::pair<const Task*, int>, py::object> failures;  // touched with the GIL held
};
FailureStore& store() {
  static auto* s = new FailureStore;  // never destroyed: may be used during interpreter exit
  return *s;
}

std::size_t arg_index(const TaskContext& c, const py::handle& which) {
  if (py::isinstance<py::str>(which)) {
    const auto name = which.cast<std::string>();
    const auto& params = c.task().params;
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i] == name) return i;
    throw Error(ErrorContext{.task = c.task().label(), .param = name},
                "the task has no argument named '" + name + "' (it names " +
                    (params.empty() ? std::string("none: arguments were given as a list") : std::to_string(params.size())) +
                    ")");
  }
  const auto i = cast_checked<std::size_t>(which, "ctx.arg", "an argument index or name");
  if (i >= c.num_args())
    throw Error(ErrorContext{.task = c.task().label(), .arg = static_cast<int>(i)},
                "argument " + std::to_string(i) + " of a task with " + std::to_string(c.num_args()));
  return i;
}

// In arguments come read-only: a run never writes its inputs (lint's write-to-input rule).
py::array arg_array(py::object self, const py::handle& which) {
  const TaskContext& c = self.cast<const PyTaskContext&>().get();
  const std::size_t i = arg_index(c, which);
  return hand_out(self, view_array(c.view(i), self, writes(c.task().args[i].access)));
}

// A descriptor parameter's tile for this block (TaskContext::param), None when an optional
// parameter is left unbound.
py::object param_array(py::object self, const py::handle& which) {
  const TaskContext& c = self.cast<const PyTaskContext&>().get();
  const Task& t = c.task();
  if (!t.descriptor)
    throw Error(ErrorContext{.task = t.label()}, "ctx.param: the task names no kernel descriptor; read its arguments with ctx.arg(i)");
  const View tile = py::isinstance<py::str>(which) ? c.param(which.cast<std::string>())
                                                   : c.param(cast_checked<std::size_t>(which, "ctx.param", "a parameter index or name"));
  if (!tile.has_buffer()) return py::none();
  const int p = py::isinstance<py::str>(which) ? t.descriptor->param_index(which.cast<std::string>()) : which.cast<int>();
  return hand_out(self, view_array(tile, self, writes(t.descriptor->params.at(static_cast<std::size_t>(p)).access)));
}

}  // namespace

std::shared_ptr<py::object> held_with_gil(py::object object) {
  return std::shared_ptr<py::object>(new py::object(std::move(object)), [](py::object* p) {
    if (!Py_IsInitialized()) return;  // interpreter gone: leak rather than crash
    py::gil_scoped_acquire gil;
    delete p;
  });
}

Kernel python_kernel(py::function callable) {
  std::shared_ptr<py::object> fn = held_with_gil(std::move(callable));
  return [fn](const TaskContext& c) {
    py::gil_scoped_acquire gil;
    // Owned by Python (a traceback may keep it past the call), emptied when the call ends.
    py::object handle = py::cast(PyTaskContext{&c, {}});
    auto* ctx = handle.cast<PyTaskContext*>();
    try {
      (*fn)(handle);
      ctx->context = nullptr;
    } catch (py::error_already_set& e) {
      ctx->context = nullptr;
      ctx->handed_out.clear();
      std::string message = e.what();
      py::object value = e.value();
      if (e.trace()) PyException_SetTraceback(value.ptr(), e.trace().ptr());
      {
        std::lock_guard lock(store().mutex);
        store().failures[{&c.task(), c.block_idx()}] = value;
      }
      throw std::runtime_error("Python kernel raised " + message);
    }
    refuse_escaped_arrays(*ctx, c);
  };
}

py::object take_kernel_failure(const Graph& graph, const KernelError& error) {
  const std::string& label = error.context().task;
  std::lock_guard lock(store().mutex);
  for (auto it = store().failures.begin(); it != store().failures.end(); ++it) {
    const Task* t = it->first.first;
    const bool of_graph = t >= graph.tasks().data() && t < graph.tasks().data() + graph.num_tasks();
    if (of_graph && t->label() == label && it->first.second == error.block_idx()) {
      py::object value = std::move(it->second);
      store().failures.erase(it);
      return value;
    }
  }
  return py::none();
}

void forget_kernel_failures(const Graph& graph) {
  std::lock_guard lock(store().mutex);
  for (auto it = store().failures.begin(); it != store().failures.end();) {
    const Task* t = it->first.first;
    if (t >= graph.tasks().data() && t < graph.tasks().data() + graph.num_tasks())
      it = store().failures.erase(it);
    else
      ++it;
  }
}

void bind_python_kernel_context(py::module_& m) {
  py::class_<PyTaskContext>(m, "TaskContext",
                            "What a Python kernel gets for one block: ctx.block_idx, ctx.block_num, ctx.task, and "
                            "ctx.arg(i or name) as a numpy array over the run's memory (bf16 as uint16), writable "
                            "for Out / InOut arguments. Valid only during the call.")
      .def_property_readonly("block_idx", [](const PyTaskContext& c) { return c.get().block_idx(); })
      .def_property_readonly("block_num", [](const PyTaskContext& c) { return c.get().block_num(); })
      .def_property_readonly("task", [](const PyTaskContext& c) { return c.get().task().label(); })
      .def_property_readonly("num_args", [](const PyTaskContext& c) { return c.get().num_args(); })
      .def("arg", &arg_array, py::arg("which"))
      .def("__getitem__", &arg_array)
      .def("param", &param_array, py::arg("which"),
           "Descriptor parameter `which` (index or name): this block's tile of its argument as numpy (the "
           "whole view when the argument declares no tiles); None for an optional parameter left unbound.")
      .def("cancelled", [](const PyTaskContext& c) { return c.get().cancelled(); });
}

}  // namespace tg::python
