// tilegraph diff MEASURED SIMULATED: two capture folders of runs of the same scope (a device
// capture, or what `tilegraph trace --capture DIR` writes for a host or simulated run), lined
// up task by task: which tasks, kernels and resources the second gets wrong, and by how much
// the makespan is off, e.g.
//   tilegraph trace scope.json --machine a2a3 --capture sim/
//   tilegraph diff device/ sim/ --top 20
#include <iostream>

#include "trace/capture_import.hpp"
#include "trace/timeline_diff.hpp"
#include "tools/command.hpp"

namespace {

struct DiffArgs {
  std::string measured, simulated;
  std::string format = "text";
  std::size_t top = 10;
};

int run_diff(const DiffArgs& a) {
  const tg::ImportedCapture measured = tg::read_capture(a.measured);
  const tg::ImportedCapture simulated = tg::read_capture(a.simulated);
  const tg::TimelineDiff diff = tg::diff_timelines(measured.graph, measured.timeline, simulated.graph, simulated.timeline);
  std::cout << (a.format == "json" ? tg::diff_to_json(diff, a.top) : tg::format_diff(diff, a.top));
  return 0;
}

tg::cli::CommandRegistration diff_command{"diff", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("diff", "Line up two runs of one scope task by task (measured vs simulated capture folders)");
  auto args = std::make_shared<DiffArgs>();
  cmd->add_option("measured", args->measured, "capture folder of the measured run")
      ->required()
      ->check(tg::cli::non_empty_path("a capture folder"));
  cmd->add_option("simulated", args->simulated, "capture folder of the simulated run (tilegraph trace --capture)")
      ->required()
      ->check(tg::cli::non_empty_path("a capture folder"));
  cmd->add_option("--format", args->format, "output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->add_option("--top", args->top, "how many tasks, kernels and resources to name")
      ->check(tg::cli::integer_in(1, 1000000))
      ->capture_default_str();
  cmd->callback([&exit_code, args] { exit_code = run_diff(*args); });
}};

}  // namespace
