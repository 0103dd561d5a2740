// The readers of a run: schedule analysis, HTML swimlane, Perfetto trace, DOT of a graph.
#include <pybind11/stl.h>

#include <sstream>

#include "python/bindings.hpp"
#include "trace/dot.hpp"
#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "trace/schedule_analysis.hpp"

namespace tg::python {

void bind_trace(py::module_& m) {
  py::class_<PathGaps>(m, "PathGaps", "Time on the observed critical path between producer end and consumer start.")
      .def_readonly("fin_detection_ns", &PathGaps::fin_detection_ns)
      .def_readonly("ready_undispatched_ns", &PathGaps::ready_undispatched_ns)
      .def_readonly("pickup_ns", &PathGaps::pickup_ns)
      .def_readonly("other_ns", &PathGaps::other_ns)
      .def_readonly("compute_ns", &PathGaps::compute_ns);
  py::class_<EngineStats>(m, "EngineStats")
      .def_readonly("engine", &EngineStats::engine)
      .def_readonly("cores", &EngineStats::cores)
      .def_readonly("utilisation", &EngineStats::utilisation)
      .def_readonly("sched_overhead_pct", &EngineStats::sched_overhead_pct);
  py::class_<ScheduleAnalysis>(m, "ScheduleAnalysis", "What a timeline says about the schedule.")
      .def_readonly("source", &ScheduleAnalysis::source)
      .def_readonly("makespan_ns", &ScheduleAnalysis::makespan_ns)
      .def_readonly("static_critical_path_ns", &ScheduleAnalysis::static_critical_path_ns)
      .def_readonly("static_critical_path", &ScheduleAnalysis::static_critical_path)
      .def_readonly("observed_critical_path_ns", &ScheduleAnalysis::observed_critical_path_ns)
      .def_readonly("observed_critical_path", &ScheduleAnalysis::observed_critical_path)
      .def_readonly("observed_gaps", &ScheduleAnalysis::observed_gaps)
      .def_readonly("engines", &ScheduleAnalysis::engines)
      .def_readonly("sched_overhead_all_pct", &ScheduleAnalysis::sched_overhead_all_pct)
      .def_readonly("sched_overhead_has_pct", &ScheduleAnalysis::sched_overhead_has_pct)
      .def_readonly("model", &ScheduleAnalysis::model, "The chip model's statistics the analysis was given, or None.")
      .def_readonly("bound_by", &ScheduleAnalysis::bound_by,
                    "What bounds the makespan (orchestration, scheduler threads, HBM bandwidth, compute, critical "
                    "path); '' without a chip model.")
      .def_readonly("advice", &ScheduleAnalysis::advice)
      .def("to_json", &analysis_json, "The analysis as one JSON object with stable keys (docs/simulator.md).")
      .def("__str__", &format_analysis);

  auto result = py::type::of<PyRunResult>();
  result.attr("analysis") = py::cpp_function(
      [](const PyRunResult& r) {
        py::gil_scoped_release release;
        return analyze_schedule(*r.graph, r.result->timeline, r.machine ? &*r.machine : nullptr,
                                r.sim() ? &r.sim()->model : nullptr);
      },
      py::is_method(result), "Makespan, static vs observed critical path, gaps, utilisation, scheduler overhead.");
  result.attr("html") = py::cpp_function(
      [](const PyRunResult& r) { return html_swimlane_string(*r.graph, r.result->timeline); }, py::is_method(result),
      "The self-contained HTML swimlane as a string.");
  result.attr("write_html") = py::cpp_function(
      [](const PyRunResult& r, const std::string& path) { write_html_swimlane(*r.graph, r.result->timeline, path); },
      py::is_method(result), py::arg("path"));
  result.attr("perfetto") = py::cpp_function(
      [](const PyRunResult& r) { return perfetto_trace_string(*r.graph, r.result->timeline); }, py::is_method(result),
      "The Chrome / Perfetto trace JSON as a string.");
  result.attr("write_perfetto") = py::cpp_function(
      [](const PyRunResult& r, const std::string& path) { write_perfetto_trace(*r.graph, r.result->timeline, path); },
      py::is_method(result), py::arg("path"));

  m.def("format_comparison", [](const std::vector<std::string>& names, const std::vector<ScheduleAnalysis>& analyses) {
    return format_comparison(names, analyses);
  }, py::arg("names"), py::arg("analyses"), "One table, a column per analysis.");
  m.def("to_dot", [](const Graph& g, bool all_edges) {
    std::ostringstream out;
    write_dot(g, out, DotOptions{.all_edges = all_edges});
    return out.str();
  }, py::arg("graph"), py::arg("all_edges") = false, "Graphviz DOT of the graph.");
}

}  // namespace tg::python
