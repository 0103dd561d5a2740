#include "tools/checked_scope.hpp"

#include <fmt/format.h>

#include <ostream>

#include "scheduler/capacity_check.hpp"
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

void check_fits_machine(const Graph& graph, const Machine& machine) {
  const auto found = find_capacity_violations(graph, machine);
  if (found.empty()) return;
  std::string detail = found.front().message;
  if (found.size() > 1) detail += " (and " + std::to_string(found.size() - 1) + " more tasks over capacity)";
  throw ConfigError(detail + "; checked before the run, nothing was run");
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
