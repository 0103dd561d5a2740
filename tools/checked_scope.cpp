#include "tools/checked_scope.hpp"

#include <fmt/format.h>

#include <ostream>

#include "tasks/scope_json.hpp"

namespace tg::cli {

bool print_lint_report(const std::vector<Diagnostic>& diagnostics, std::ostream& out) {
  std::size_t hints = 0, shown = 0;
  for (const auto& d : diagnostics) {
    if (d.severity == Severity::Info) {
      ++hints;
      continue;
    }
    out << "  " << d.to_string();
    ++shown;
  }
  out << fmt::format("lint: {} finding(s){}\n", shown, hints ? fmt::format(", {} hint(s) not shown", hints) : "");
  return lint_fails(diagnostics);
}

std::optional<Graph> read_checked_scope(const std::string& file, bool allow_hazards, std::ostream& out) {
  if (!allow_hazards) {
    try {
      return read_scope_json(file);
    } catch (const LintError& e) {
      out << file << ": " << e.what() << "\n";
      print_lint_report(e.diagnostics(), out);
      out << kRefusedHint << "\n";
      return std::nullopt;
    }
  }
  Graph graph = read_scope_json(file, FinalizeOptions{.lint = Lint::Off});
  const auto diagnostics = lint(graph, LintOptions{.machine = std::nullopt, .disabled = {}, .hints = false});
  if (lint_fails(diagnostics)) {
    out << file << ": lint errors; running anyway (--allow-hazards)\n";
    print_lint_report(diagnostics, out);
  }
  return graph;
}

}  // namespace tg::cli
