// tilegraph lint FILE.json: the alias analysis of tasks/lint.hpp on a JSON scope file.
// Exit code 0 when clean, 1 on errors (or warnings with --werror), 2 when the file cannot
// be read or parsed (main reports the tg::Error; docs/cli.md).
#include <iostream>
#include <memory>

#include "runtime/machine.hpp"
#include "runtime/text_file.hpp"
#include "tasks/lint.hpp"
#include "tasks/scope_json.hpp"
#include "tools/command.hpp"

namespace {

struct LintArgs {
  std::string file;
  bool werror = false;
  std::string format = "text";
  std::string machine;
  bool no_hints = false;
  std::vector<std::string> disabled;
};

void print(const std::vector<tg::Diagnostic>& diagnostics, const std::string& format, const std::string& subject) {
  if (format == "json") {
    std::cout << tg::diagnostics_to_json(diagnostics);
    return;
  }
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& d : diagnostics) {
    std::cout << d.to_string();
    ++counts[static_cast<int>(d.severity)];
  }
  std::cout << subject << ": " << counts[2] << " error(s), " << counts[1] << " warning(s), " << counts[0]
            << " info(s)\n";
}

int run_lint(const LintArgs& args) {
  const std::string text = tg::read_text_file(args.file, "JSON scope");
  // Boxes outside their buffers stop the reader, so they are reported first, all of them.
  auto bounds = tg::lint_scope_json_bounds(text, args.file);
  if (!bounds.empty()) {
    print(bounds, args.format, args.file + " (fix these before the other rules can run)");
    return 1;
  }
  const tg::Graph graph = tg::parse_scope_json(text, args.file, tg::FinalizeOptions{.lint = tg::Lint::Off});
  tg::LintOptions options;
  if (!args.machine.empty()) options.machine = tg::load_machine(args.machine);
  options.hints = !args.no_hints;
  options.disabled = args.disabled;
  const auto diagnostics = tg::lint(graph, options);
  print(diagnostics, args.format,
        "scope '" + graph.name() + "' (" + std::to_string(graph.num_tasks()) + " tasks" +
            (options.machine ? ", machine " + options.machine->name : ", no --machine: buffer-capacity skipped") + ")");
  return tg::lint_fails(diagnostics, args.werror) ? 1 : 0;
}

tg::cli::CommandRegistration lint_command{"lint", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("lint", "Check a JSON scope for aliasing and dataflow bugs (docs/lint.md)");
  auto args = std::make_shared<LintArgs>();
  cmd->add_option("file", args->file, "JSON scope file (docs/json_scope_format.md)")->required();
  cmd->add_flag("--werror", args->werror, "fail (exit 1) on warnings too");
  cmd->add_option("--format", args->format, "output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->add_option("--machine", args->machine, "machine preset or JSON file; enables buffer-capacity")->check(tg::cli::non_empty_value("a machine preset (a2a3, a5, host) or a machine .json file"));
  cmd->add_flag("--no-hints", args->no_hints, "skip info-level hints (false-serialization)");
  cmd->add_option("--disable", args->disabled, "rule id to skip (repeatable)");
  cmd->callback([&exit_code, args] { exit_code = run_lint(*args); });
}};

}  // namespace
