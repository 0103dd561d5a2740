// tg::Error and its subclasses as Python exceptions of matching classes, carrying the
// ErrorContext fields as attributes (scope, task, task_id, arg, param, buffer, region,
// file, json_path, option, detail), plus block for KernelError and diagnostics for LintError.
#include <array>

#include "python/bindings.hpp"
#include "tasks/diagnostic.hpp"

namespace tg::python {
namespace {

// Created once in bind_errors; module-lifetime references (never released: the module
// outlives every exception it raises).
struct ErrorClasses {
  PyObject* base = nullptr;
  PyObject* shape = nullptr;
  PyObject* graph = nullptr;
  PyObject* config = nullptr;
  PyObject* io = nullptr;
  PyObject* capacity = nullptr;
  PyObject* binding = nullptr;
  PyObject* run_stopped = nullptr;
  PyObject* kernel = nullptr;
  PyObject* lint = nullptr;
};
ErrorClasses classes;

PyObject* class_of(const Error& e) {
  if (dynamic_cast<const LintError*>(&e)) return classes.lint;
  if (dynamic_cast<const KernelError*>(&e)) return classes.kernel;
  if (dynamic_cast<const ShapeError*>(&e)) return classes.shape;
  if (dynamic_cast<const GraphError*>(&e)) return classes.graph;
  if (dynamic_cast<const ConfigError*>(&e)) return classes.config;
  if (dynamic_cast<const IoError*>(&e)) return classes.io;
  if (dynamic_cast<const CapacityError*>(&e)) return classes.capacity;
  if (dynamic_cast<const BindingError*>(&e)) return classes.binding;
  if (dynamic_cast<const RunStoppedError*>(&e)) return classes.run_stopped;
  return classes.base;
}

PyObject* make_class(py::module_& m, const char* name, PyObject* base, const char* doc) {
  const std::string qualified = std::string("tilegraph.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
  if (!cls) throw py::error_already_set();
  m.add_object(name, py::reinterpret_borrow<py::object>(cls));
  return cls;
}

py::object optional_str(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

}  // namespace

py::object python_exception(const Error& error) {
  py::object cls = py::reinterpret_borrow<py::object>(class_of(error));
  py::object exc = cls(py::str(error.what()));
  const ErrorContext& c = error.context();
  exc.attr("detail") = error.detail();
  exc.attr("scope") = optional_str(c.scope);
  exc.attr("task") = optional_str(c.task);
  exc.attr("task_id") = c.task_id ? py::object(py::int_(*c.task_id)) : py::object(py::none());
  exc.attr("arg") = c.arg >= 0 ? py::object(py::int_(c.arg)) : py::object(py::none());
  exc.attr("param") = optional_str(c.param);
  exc.attr("buffer") = optional_str(c.buffer);
  exc.attr("region") = optional_str(c.region);
  exc.attr("file") = optional_str(c.file);
  exc.attr("json_path") = optional_str(c.json_path);
  exc.attr("option") = optional_str(c.option);
  if (const auto* k = dynamic_cast<const KernelError*>(&error)) exc.attr("block") = k->block_idx();
  if (const auto* l = dynamic_cast<const LintError*>(&error)) {
    exc.attr("diagnostics") = py::cast(l->diagnostics());
    exc.attr("rule") = l->rule();
  }
  return exc;
}

void raise_with_cause(const Error& error, py::object cause) {
  py::object exc = python_exception(error);
  if (cause && !cause.is_none()) {
    PyException_SetCause(exc.ptr(), cause.release().ptr());  // steals the reference
  }
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

void bind_errors(py::module_& m) {
  classes.base = make_class(m, "Error", PyExc_RuntimeError,
                            "Every tilegraph error. Attributes: detail, scope, task, task_id, arg, param, buffer, "
                            "region, file, json_path, option (None when not set).");
  classes.shape = make_class(m, "ShapeError", classes.base, "A view, slice or shape that does not fit its buffer.");
  classes.graph = make_class(m, "GraphError", classes.base, "Graph construction problems: cycles, bad dependencies.");
  classes.config = make_class(m, "ConfigError", classes.base, "Malformed configuration: presets, JSON scopes, options.");
  classes.io = make_class(m, "IoError", classes.base, "A file that cannot be read or written, or holds the wrong thing.");
  classes.capacity = make_class(m, "CapacityError", classes.base, "A working set over an on-chip buffer, a ring too small.");
  classes.binding = make_class(m, "BindingError", classes.base, "Memory missing or wrong for a run.");
  classes.run_stopped = make_class(m, "RunStoppedError", classes.base, "A run stopped by its deadline or cancel().");
  classes.kernel = make_class(m, "KernelError", classes.base,
                              "A kernel failed while a graph ran: .task and .block name it; a Python kernel's own "
                              "exception is the __cause__.");
  classes.lint = make_class(m, "LintError", classes.base,
                            "finalize() found lint errors: .rule is the first error's rule, .diagnostics all findings.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      py::object exc = python_exception(e);
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    }
  });
}

}  // namespace tg::python
