// Lint with diagnostics as objects: rule, severity, task, args, buffer, regions, message,
// suggestion; the summary a Graph keeps from finalize(); the rule table.
#include <pybind11/stl.h>

#include "python/bindings.hpp"
#include "tasks/lint.hpp"

namespace tg::python {

void bind_lint(py::module_& m) {
  py::class_<Diagnostic>(m, "Diagnostic", "One lint finding.")
      .def_readonly("rule", &Diagnostic::rule)
      .def_property_readonly("severity", [](const Diagnostic& d) { return std::string(name_of(d.severity)); })
      .def_readonly("task", &Diagnostic::task)
      .def_readonly("arg", &Diagnostic::arg)
      .def_readonly("other_task", &Diagnostic::other_task)
      .def_readonly("other_arg", &Diagnostic::other_arg)
      .def_readonly("buffer", &Diagnostic::buffer)
      .def_property_readonly("regions", [](const Diagnostic& d) {
        std::vector<std::string> r;
        for (const auto& b : d.regions) r.push_back(box_to_string(b));
        return r;
      }, "Each region as '[0:16, 0:64]', buffer coordinates.")
      .def_property_readonly("boxes", [](const Diagnostic& d) {
        py::list r;
        for (const auto& b : d.regions) r.append(py::make_tuple(Shape(b.offsets), Shape(b.sizes)));
        return r;
      }, "Each region as (offsets, sizes).")
      .def_readonly("message", &Diagnostic::message)
      .def_readonly("suggestion", &Diagnostic::suggestion)
      .def("__str__", &Diagnostic::to_string)
      .def("__repr__", [](const Diagnostic& d) {
        return "<tg.Diagnostic " + std::string(name_of(d.severity)) + "[" + d.rule + "] " + d.message + ">";
      });

  py::class_<LintSummary>(m, "LintSummary", "What finalize()'s lint found below the error level.")
      .def_property_readonly("ran", &LintSummary::ran)
      .def("count", [](const LintSummary& s, const std::string& what) {
        if (what == "info") return s.count(Severity::Info);
        if (what == "warning") return s.count(Severity::Warning);
        if (what == "error") return s.count(Severity::Error);
        return s.count(std::string_view(what));
      }, py::arg("severity_or_rule"))
      .def_property_readonly("rules", [](const LintSummary& s) {
        py::dict r;
        for (const auto& rc : s.rules()) r[py::str(rc.rule)] = rc.count;
        return r;
      })
      .def_property_readonly("first", [](const LintSummary& s) {
        std::vector<Diagnostic> r;
        for (const auto& rc : s.rules()) r.insert(r.end(), rc.first.begin(), rc.first.end());
        return r;
      })
      .def("__str__", &LintSummary::to_string);
  // Graph.lint_summary, added here where the class is known.
  py::type::of<Graph>().attr("lint_summary") = py::cpp_function(
      [](const Graph& g) { return g.lint_summary(); }, py::is_method(py::type::of<Graph>()));

  m.def("lint", [](const Graph& g, const py::object& machine, std::vector<std::string> disabled, bool hints) {
    LintOptions options;
    if (!machine.is_none())
      options.machine = py::isinstance<py::str>(machine) ? load_machine(machine.cast<std::string>()) : cast_checked<Machine>(machine, "lint: machine", "a preset name or a tg.Machine");
    options.disabled = std::move(disabled);
    options.hints = hints;
    py::gil_scoped_release release;
    return lint(g, options);
  }, py::arg("graph"), py::arg("machine") = py::none(), py::arg("disabled") = std::vector<std::string>{},
     py::arg("hints") = true,
     "Every enabled rule on the graph; machine= ('a2a3' or a Machine) adds the capacity rules.");
  m.def("lint_fails", &lint_fails, py::arg("diagnostics"), py::arg("werror") = false);
  m.def("diagnostics_to_json", &diagnostics_to_json, py::arg("diagnostics"));
  m.def("lint_scope_json_bounds", &lint_scope_json_bounds, py::arg("text"), py::arg("origin") = "<json>");
  m.def("lint_rules", [] {
    py::list r;
    for (const auto& rule : lint_rules())
      r.append(py::make_tuple(std::string(rule.id), std::string(name_of(rule.severity)), std::string(rule.summary)));
    return r;
  }, "(id, severity, summary) of every rule.");
}

}  // namespace tg::python
