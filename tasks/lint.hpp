#pragma once
// Alias analysis ("lint"): finds the data hazards the dependency inference cannot fix for
// you, because they are bugs in what the tasks say they read and write. Each rule has a
// stable id, a severity, and a diagnostic naming the task, the argument index, the buffer,
// the region involved and a fix. docs/lint.md describes every rule with an example.
//
//   auto diagnostics = tg::lint(graph);
//   if (tg::lint_fails(diagnostics)) { for (auto& d : diagnostics) std::cerr << d.to_string(); }
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/machine.hpp"
#include "tasks/diagnostic.hpp"
#include "tasks/graph.hpp"

namespace tg {

struct LintRule {
  std::string_view id;
  Severity severity;
  std::string_view summary;
};
// Every rule, in the order lint() runs them.
const std::vector<LintRule>& lint_rules();

struct LintOptions {
  // buffer-capacity runs only with a machine (tg::load_machine("a2a3")).
  std::optional<Machine> machine;
  // Rule ids to skip.
  std::vector<std::string> disabled;
  // Report Info diagnostics (false-serialization hints).
  bool hints = true;
};

// Runs every enabled rule. Diagnostics come ordered by task, then rule. Cost: O(A^2) per
// task for A args, O(accesses * (log R + k)) for the region replay (R live regions, k hits),
// O(E * (V + E)) worst case for the false-serialization hint over its candidate edges.
std::vector<Diagnostic> lint(const Graph& graph, const LintOptions& options = {});

// Whether the diagnostics fail a lint run: any error, or any warning when `werror`.
bool lint_fails(const std::vector<Diagnostic>& diagnostics, bool werror = false);

// The diagnostics as a JSON array (the `--format json` output of `tilegraph lint`).
std::string diagnostics_to_json(const std::vector<Diagnostic>& diagnostics);

// view-out-of-bounds on a JSON scope file, which may hold boxes no View can be made of (the
// graph rules need a Graph, so parse_scope_json would stop at the first such box). Reports
// every argument box or frame outside its buffer; other malformations are left to
// parse_scope_json. Cost: O(args).
std::vector<Diagnostic> lint_scope_json_bounds(std::string_view text, std::string_view origin = "<json>");

}  // namespace tg
