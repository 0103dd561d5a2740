// tilegraph dot: Graphviz DOT of a JSON scope file, e.g.
//   tilegraph dot scope.json -o scope.dot && dot -Tsvg scope.dot -o scope.svg
#include <iostream>

#include "runtime/atomic_file.hpp"
#include "runtime/error.hpp"
#include "trace/dot.hpp"
#include "tasks/scope_json.hpp"
#include "tools/checked_scope.hpp"
#include "tools/command.hpp"

namespace {

struct DotArgs {
  std::string file;
  std::string output;  // empty: standard output
  bool all_edges = false;
  bool allow_hazards = false;
};

int run_dot(const DotArgs& a) {
  auto checked = tg::cli::read_checked_scope(a.file, a.allow_hazards, std::cout);
  if (!checked) return 1;
  const tg::Graph& graph = *checked;
  const tg::DotOptions options{a.all_edges};
  if (a.output.empty()) {
    tg::write_dot(graph, std::cout, options);
    return 0;
  }
  tg::write_stream_atomically(a.output, [&](std::ostream& out) { tg::write_dot(graph, out, options); });
  std::cerr << "wrote " << a.output << ": " << graph.num_tasks() << " tasks\n";
  return 0;
}

tg::cli::CommandRegistration dot_command{"dot", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("dot", "Write the Graphviz DOT of a JSON scope (edges of the transitive reduction)");
  auto args = std::make_shared<DotArgs>();
  cmd->add_option("file", args->file, "JSON scope file")->required();
  cmd->add_option("-o,--output", args->output, "DOT file to write (default: standard output)")
      ->check(tg::cli::output_file("a file name for the DOT graph"));
  cmd->add_flag("--all-edges", args->all_edges, "also draw edges implied by longer paths (thin, grey)");
  cmd->add_flag("--allow-hazards", args->allow_hazards, "run a graph with lint errors anyway (the lint report is printed)");
  cmd->callback([&exit_code, args] { exit_code = run_dot(*args); });
}};

}  // namespace
