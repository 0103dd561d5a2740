// JSON scopes in and out (docs/json_scope_format.md). Imported graphs have no kernels.
#include "python/bindings.hpp"
#include "tasks/scope_json.hpp"

namespace tg::python {

void bind_json(py::module_& m) {
  m.def("to_scope_json", &to_scope_json, py::arg("graph"), "The graph as JSON text (what `tilegraph lint` reads).");
  m.def("write_scope_json", &write_scope_json, py::arg("graph"), py::arg("path"));
  m.def("parse_scope_json", [](std::string_view text, std::string_view origin, bool lint) {
    return std::make_shared<Graph>(parse_scope_json(text, origin, FinalizeOptions{.lint = lint ? Lint::On : Lint::Off}));
  }, py::arg("text"), py::arg("origin") = "<json>", py::arg("lint") = true,
     "A Graph from JSON text: ConfigError names the JSON path of a problem; LintError as finalize().");
  m.def("read_scope_json", [](const std::string& path, bool lint) {
    return std::make_shared<Graph>(read_scope_json(path, FinalizeOptions{.lint = lint ? Lint::On : Lint::Off}));
  }, py::arg("path"), py::arg("lint") = true);
}

}  // namespace tg::python
