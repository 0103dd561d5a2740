// tilegraph calibrate: fits a machine preset to measured runs and writes it as a machine
// JSON file that records what it was fitted on (trace/calibrate/fit.hpp, docs/calibration.md).
//   tilegraph calibrate --host -o host-fitted.json              micro-graphs on the HostExecutor
//   tilegraph calibrate --capture run1/ --scope scope.json --machine a2a3 -o my-a2a3.json
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>

#include "runtime/atomic_file.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/scope_json.hpp"
#include "tools/calibrate_kernels.hpp"
#include "tools/checked_scope.hpp"
#include "tools/command.hpp"
#include "trace/calibrate/fit.hpp"
#include "trace/calibrate/micro_graphs.hpp"
#include "trace/capture_import.hpp"

namespace {

struct CalibrateArgs {
  bool host = false;
  std::vector<std::string> captures, scopes;
  std::string machine = "a2a3";
  std::string output;
  int threads = 2;
  int repeats = 9;
  int tasks = 64;
};

// What every run keeps alive while the fit reads it.
struct Measured {
  std::vector<std::unique_ptr<tg::Graph>> graphs;
  std::vector<std::unique_ptr<tg::Timeline>> timelines;
  std::vector<tg::CalibrationRun> runs;
  std::vector<tg::cli::KernelGraph> kernel_graphs;  // graphs with their bound memory
  const tg::Graph* keep(tg::Graph g) {
    graphs.push_back(std::make_unique<tg::Graph>(std::move(g)));
    return graphs.back().get();
  }
  void add(std::string label, const tg::Graph* graph, tg::Timeline timeline) {
    timelines.push_back(std::make_unique<tg::Timeline>(std::move(timeline)));
    runs.push_back(tg::CalibrationRun{std::move(label), graph, timelines.back().get(), {}, {}});
  }
};

// The host as the simulator sees it with `threads` threads: as many AIC and as many AIV
// cores as threads (one group up to 4 threads), so a phase of cube or of vector tasks runs
// as wide as on the host; one scheduler thread; a host lane per thread.
tg::Machine host_base(int threads) {
  tg::Machine m = tg::load_machine("host");
  m.name = "host-fitted";
  m.description = "this host fitted by tilegraph calibrate --host at " + std::to_string(threads) + " threads";
  m.aic_per_group = m.aiv_per_group = std::min(threads, 4);  // a group holds at most 8 cores
  m.core_groups = (threads + m.aic_per_group - 1) / m.aic_per_group;
  m.scheduler_threads = 1;
  m.host_lanes = threads;
  return m;
}

void measure_host(const CalibrateArgs& a, Measured& out) {
  tg::HostExecutor executor(a.threads);
  auto repeat = [&](const std::string& label, const tg::Graph* graph, tg::Bindings* memory) {
    for (int r = 0; r <= a.repeats; ++r) {  // run 0 warms caches and the thread pool up
      tg::RunResult result = memory ? executor.run(*graph, *memory) : executor.run(*graph);
      if (r > 0) out.add(label + " (run " + std::to_string(r) + ")", graph, std::move(result.timeline));
    }
  };
  for (tg::MicroGraph& mg : tg::empty_micro_graphs(a.tasks)) repeat(mg.label, out.keep(std::move(mg.graph)), nullptr);
  out.kernel_graphs = tg::cli::calibration_kernel_graphs(std::max(2, a.tasks / 8));
  for (auto& kg : out.kernel_graphs) repeat(kg.label, kg.graph.get(), kg.memory.get());
}

void measure_captures(const CalibrateArgs& a, Measured& out, std::vector<tg::ImportedCapture>& captures) {
  if (!a.scopes.empty() && a.scopes.size() != a.captures.size())
    throw tg::cli::UsageError("--scope is given " + std::to_string(a.scopes.size()) + " times for " +
                              std::to_string(a.captures.size()) + " --capture folders; give one scope per capture, or none");
  captures.reserve(a.captures.size());
  for (std::size_t i = 0; i < a.captures.size(); ++i) {
    captures.push_back(tg::read_capture(a.captures[i]));
    tg::ImportedCapture& c = captures.back();
    const tg::Graph* graph = &c.graph;
    bool costs = false;
    if (!a.scopes.empty()) {
      auto scope = tg::cli::read_checked_scope(a.scopes[i], /*allow_hazards=*/true, std::cerr);
      if (scope->num_tasks() != c.graph.num_tasks())
        throw tg::ConfigError(tg::ErrorContext{.file = a.scopes[i]},
                              "has " + std::to_string(scope->num_tasks()) + " tasks but capture '" + a.captures[i] +
                                  "' has " + std::to_string(c.graph.num_tasks()) + "; give the scope the device ran");
      graph = out.keep(std::move(*scope));
      costs = true;
    }
    out.runs.push_back(tg::CalibrationRun{a.captures[i], graph, &c.timeline, c.scheduler_phases, c.submits, costs});
  }
}

int run_calibrate(const CalibrateArgs& a) {
  if (a.host == !a.captures.empty())
    throw tg::cli::UsageError("give --host (measure this host) or --capture DIR (fit to device captures), one of the two");
  Measured measured;
  std::vector<tg::ImportedCapture> captures;
  tg::Machine base;
  std::string note;
  if (a.host) {
    base = host_base(a.threads);
    std::cerr << "calibrate: running the micro-graphs on the host executor (" << a.threads << " threads, " << a.repeats
              << " runs each after a warm-up)...\n";
    measure_host(a, measured);
    note = "tilegraph calibrate --host: HostExecutor with " + std::to_string(a.threads) + " threads, " +
           std::to_string(a.repeats) + " runs per graph after one warm-up; " + base.origin;
  } else {
    base = tg::load_machine(a.machine);
    measure_captures(a, measured, captures);
    note = "tilegraph calibrate --capture: " + std::to_string(a.captures.size()) + " device captures on the " + base.name +
           " preset" + (a.scopes.empty() ? " (no scopes: latencies only)" : "");
  }
  const tg::MachineFit fit = tg::fit_machine(base, measured.runs);
  const std::string text = tg::fitted_machine_json(fit, note);
  tg::write_stream_atomically(a.output, [&](std::ostream& o) { o << text; });
  std::cout << "fitted " << fit.parameters.size() << " parameters on " << fit.runs.size() << " runs:\n";
  for (const auto& p : fit.parameters)
    std::cout << "  " << std::left << std::setw(38) << p.name << std::right << std::setw(14) << p.value << "  (was "
              << p.previous << ", " << p.samples << " samples)\n";
  std::cout << "wrote " << a.output << " (use it with --machine " << a.output << ")\n";
  return 0;
}

tg::cli::CommandRegistration calibrate_command{"calibrate", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("calibrate", "Fit a machine preset to host runs or device captures and write it");
  auto args = std::make_shared<CalibrateArgs>();
  // Each source's options need that source: given to the other they would be ignored.
  auto* host = cmd->add_flag("--host", args->host, "run micro-graphs on the host executor and fit the host preset");
  auto* capture = cmd->add_option("--capture", args->captures, "a device capture folder to fit to (repeatable)")
                      ->check(tg::cli::non_empty_path("a capture folder"));
  cmd->add_option("--scope", args->scopes, "the JSON scope each capture ran, in the same order (gives the costs)")
      ->check(tg::cli::non_empty_path("a JSON scope file"))
      ->needs(capture);
  cmd->add_option("--machine", args->machine, "the preset a capture fit starts from")->check(tg::cli::non_empty_value("a machine preset (a2a3, a5, host) or a machine .json file"))->capture_default_str()->needs(capture);
  cmd->add_option("-o,--output", args->output, "the fitted machine JSON file to write")
      ->required()
      ->check(tg::cli::output_file("a file name for the fitted preset"));
  cmd->add_option("--threads", args->threads, "host executor threads for --host")
      ->check(tg::cli::integer_in(1, static_cast<std::uint64_t>(tg::cli::max_threads())))
      ->needs(host)
      ->capture_default_str();
  cmd->add_option("--repeats", args->repeats, "measured runs per micro-graph (--host)")
      ->check(tg::cli::integer_in(1, 1000))
      ->needs(host)
      ->capture_default_str();
  cmd->add_option("--tasks", args->tasks, "tasks per micro-graph (--host)")->check(tg::cli::integer_in(8, 100000))->needs(host)->capture_default_str();
  cmd->callback([&exit_code, args] { exit_code = run_calibrate(*args); });
}};

}  // namespace
