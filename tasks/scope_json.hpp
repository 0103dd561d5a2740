#pragma once
// JSON scope format: a Graph as a file and back. The file lists the buffers (name, dtype,
// shape, role), the tasks in submission order (kind, block_num, args with buffer + box +
// access, kernel dtype contract, cost hint, explicit deps) and the dependency edges with
// their provenance, like a deps.json. Kernels are code and are not written: an imported
// graph has empty kernels and is for analysis (lint, dot, sim). docs/json_scope_format.md
// describes every field.
#include <string>
#include <string_view>

#include "tasks/graph.hpp"
#include "tasks/scope.hpp"

namespace tg {

// The graph as JSON text (2-space indent, edges included). Cost: O(tasks + args + edges).
std::string to_scope_json(const Graph& graph);
// Writes to_scope_json(graph) to `path`; IoError when the file cannot be written.
void write_scope_json(const Graph& graph, const std::string& path);

// Rebuilds a Graph by replaying the file's buffer declarations and task submissions into a
// tg::Scope, so every edge is inferred again; when the file lists edges they must equal
// the re-inferred ones. Malformed input throws ConfigError naming `origin` and the JSON
// path of the problem ("scope.json: tasks[3].args[1].box: 3 dims for a 2-dim buffer").
// Cost: that of Scope::submit for each task, plus O(edges log edges) for the edge check.
// `options` are finalize()'s: by default a file whose graph has lint errors throws LintError
// (tilegraph lint reads with Lint::Off to report them instead).
Graph parse_scope_json(std::string_view text, std::string_view origin = "<json>", const FinalizeOptions& options = {});
// parse_scope_json of a file's contents; IoError when it cannot be read.
Graph read_scope_json(const std::string& path, const FinalizeOptions& options = {});

}  // namespace tg
