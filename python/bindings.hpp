#pragma once
// What the binding files share: one bind_* function per concept (module.cpp calls them in
// order), and the few helpers more than one file needs. Everything here lives in the
// extension only; the C++ layers know nothing of Python.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/error.hpp"
#include "runtime/tensor.hpp"
#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/graph.hpp"
#include "tasks/timeline.hpp"

namespace tg::python {

namespace py = pybind11;

void bind_errors(py::module_& m);
void bind_memory(py::module_& m);
void bind_scope(py::module_& m);
void bind_tiles(py::module_& m);
void bind_kernel_descriptors(py::module_& m);
void bind_lint(py::module_& m);
void bind_python_kernel_context(py::module_& m);
void bind_executors(py::module_& m);
void bind_timeline(py::module_& m);
void bind_trace(py::module_& m);
void bind_json(py::module_& m);
void bind_models(py::module_& m);

// memory.cpp: the memory of one run, by buffer name, plus the numpy arrays it uses in place
// (kept alive here for as long as they are bound).
struct PyBindings {
  explicit PyBindings(std::shared_ptr<Graph> g) : graph(std::move(g)), memory(*graph) {}
  std::shared_ptr<Graph> graph;
  Bindings memory;
  std::map<std::string, py::object, std::less<>> arrays;

  // Binds a numpy array in place (dtype and shape checked by Bindings: BindingError naming
  // the buffer). A layout the buffer cannot use as it is (strided, misaligned) is a
  // BindingError naming the dim and stride, unless `allow_copy` (the logged copy of
  // Bindings::bind_external).
  void bind(const std::string& name, const py::object& value, bool allow_copy = false);
  // The buffer's memory as numpy: the bound array itself when used in place.
  py::object array(const std::string& name);
};

// executors.cpp: a run's result with what reading it needs: the graph, the memory object
// (outputs are its arrays) and, for a simulation, the machine.
struct PyRunResult {
  std::shared_ptr<Graph> graph;
  py::object memory;                   // a Bindings, or None
  // A SimResult for simulations (shared_ptr: it deletes the derived type it was made with).
  std::shared_ptr<RunResult> result;
  bool simulated = false;
  std::optional<Machine> machine;
  const SimResult* sim() const { return simulated ? static_cast<const SimResult*>(result.get()) : nullptr; }
};

// errors.cpp: the Python exception object matching a tg::Error (its class, message and
// fields set), not yet raised.
py::object python_exception(const Error& error);
// Raises `error` in Python with `cause` as its __cause__ (or none) and throws
// error_already_set so pybind11 passes it on.
[[noreturn]] void raise_with_cause(const Error& error, py::object cause);

// memory.cpp: a numpy array sharing `tensor`'s memory (bf16 as uint16); the array keeps the
// memory alive.
py::array tensor_array(const Tensor& tensor);
// A numpy array over a bound view's elements (strided), valid while `owner` lives and the
// memory it points into does; read-only unless `writable`.
py::array view_array(const View& view, py::handle owner, bool writable);
// The tilegraph dtype of a numpy array (uint16 = bf16); ShapeError naming `what` otherwise.
DType dtype_of_array(const py::array& array, const std::string& what);
// Accepts tg.DType members and their names ("bf16").
DType dtype_from(const py::handle& value);

// value as a T, or a TypeError saying what `what` expected and what it got (instead of
// pybind11's bare "Unable to cast Python instance").
template <class T> T cast_checked(const py::handle& value, const std::string& what, const char* expected) {
  try {
    return value.cast<T>();
  } catch (const py::cast_error&) {
    throw py::type_error(what + ": expected " + expected + ", got " + std::string(py::str(py::repr(value))) + " (" +
                         std::string(py::str(value.get_type().attr("__name__"))) + ")");
  }
}

// python_kernel.cpp: a Python object C++ callables may copy and drop on any thread: the
// last copy releases it with the GIL held.
std::shared_ptr<py::object> held_with_gil(py::object object);
// A Python callable as a kernel. The callable runs with the GIL held; an
// exception it raises is kept (for the KernelError's __cause__) and reported as a C++ one.
Kernel python_kernel(py::function callable);
// The Python exception a Python kernel of `graph` raised in this block, taken out of the
// store (none when there is none); forget_kernel_failures drops every one of the graph's.
py::object take_kernel_failure(const Graph& graph, const KernelError& error);
void forget_kernel_failures(const Graph& graph);

// timeline.cpp: the only reader of a Timeline's fields in the module (the simulator owns
// the row layout and may change it).
py::object timeline_arrays(const Timeline& timeline);
std::int64_t timeline_makespan_ns(const Timeline& timeline);
const std::string& timeline_source(const Timeline& timeline);
std::size_t timeline_rows(const Timeline& timeline);

}  // namespace tg::python
