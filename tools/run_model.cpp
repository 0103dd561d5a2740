#include "tools/run_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <optional>
#include <ostream>

#include "models/common/registry.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/bytes_text.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "runtime/multichip_machine.hpp"
#include "trace/schedule_analysis.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "tasks/lint.hpp"
#include "tools/checked_scope.hpp"
#include "tools/model_options.hpp"
#include "tools/multichip_report.hpp"
#include "scheduler/strategy.hpp"

namespace tg::cli {
namespace {

// Lint findings: errors and warnings in full, hints counted. With a machine, the tasks'
// working sets are checked against its on-chip buffers too. Returns whether lint failed.
bool print_lint(const Graph& graph, const std::string& machine, std::ostream& out) {
  LintOptions options;
  if (!machine.empty()) options.machine = chip_machine(machine);
  return print_lint_report(lint(graph, options), out);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Kernel time per stage (task name), summed over blocks: where the host run spends its time.
void print_stage_times(const Graph& graph, const Timeline& timeline, std::ostream& out) {
  std::vector<std::pair<std::string, double>> per_stage;
  for (const auto& row : timeline.rows()) {
    const auto& name = graph.task(row.task).name;
    auto it = std::find_if(per_stage.begin(), per_stage.end(), [&](const auto& p) { return p.first == name; });
    if (it == per_stage.end()) it = per_stage.insert(per_stage.end(), {name, 0.0});
    it->second += static_cast<double>(row.end_ns - row.start_ns) / 1e6;
  }
  out << "kernel time per stage (ms, summed over blocks):";
  for (const auto& [name, ms] : per_stage) out << fmt::format(" {} {:.2f};", name, ms);
  out << "\n";
}

// The modelled chip of the request, or none; bad machine or strategy names fail here,
// before anything runs.
std::unique_ptr<SimExecutor> simulator_for(const ModelRunRequest& request) {
  if (request.machine.empty()) {
    if (!request.trace_file.empty() || !request.html_file.empty())
      throw ConfigError("--perfetto and --html describe a simulated run; add --machine a2a3 (or another preset)");
    return nullptr;
  }
  if (is_multichip_machine(request.machine)) return nullptr;  // multichip_for
  SimOptions options;
  options.strategy = request.strategy;
  options.functional_threads = request.threads;  // the kernels run again in simulated order: checked after
  return std::make_unique<SimExecutor>(load_machine(request.machine), options);
}

// A multi-chip machine of the request (the model's graph replicated on each chip, timing
// only), or none; loaded before anything runs.
std::optional<MultiChipMachine> multichip_for(const ModelRunRequest& request) {
  if (request.machine.empty() || !is_multichip_machine(request.machine)) return std::nullopt;
  make_strategy(request.strategy);
  return load_multichip_machine(request.machine);
}

// Files written after the run: a failure to write one is kept until the whole report is
// printed, then thrown (main prints it and picks the exit code).
class LateWrites {
 public:
  template <typename Write>
  void attempt(Write&& write) {
    if (failure_) return;
    try {
      write();
    } catch (...) {
      failure_ = std::current_exception();
    }
  }
  void rethrow(std::ostream& out) const {
    if (!failure_) return;
    out << "an output could not be written; the error follows\n";
    out.flush();
    std::rethrow_exception(failure_);
  }

 private:
  std::exception_ptr failure_;
};

void simulate(models::ModelRun& run, SimExecutor& sim, const ModelRunRequest& request, std::uint64_t host_peak_staging_bytes,
              bool& ok, LateWrites& late, std::ostream& out) {
  const auto result = run.run(sim, request.timeout_seconds);  // from the same caches as the host run
  if (request.json) {
    // The model's figures come with a SimResult; a timing-only run gives the same timeline.
    const SimResult timing = sim.simulate(run.graph());
    const auto analysis = analyze_schedule(run.graph(), timing.timeline, &sim.machine(), &timing.model);
    *request.json << report_json({{"model", request.model}, {"machine", sim.machine().name}, {"machine_origin", sim.machine().origin},
                                  {"host_peak_staging_bytes", std::to_string(host_peak_staging_bytes)}},
                                 {RunReport{sim.options().strategy, analysis, {}, {}}})
                  << "\n";
  }
  out << fmt::format("simulated on {} ({}), strategy {}: makespan {:.1f} us\n", request.machine,
                     sim.machine().origin, sim.options().strategy,
                     static_cast<double>(result.timeline.makespan_ns) / 1e3);
  // The host run's table is above; here only the verdict, unless this run diverges.
  const auto report = run.check();
  if (report.pass()) {
    out << "golden check of the simulated (functional) run: every stage within tolerance (local checks)\n";
  } else {
    out << "golden check of the simulated (functional) run:\n";
    report.print(out);
    ok = false;
  }
  if (!request.trace_file.empty()) late.attempt([&] {
    write_stream_atomically(request.trace_file,
                            [&](std::ostream& file) { write_perfetto_trace(run.graph(), result.timeline, file); });
    out << "Perfetto trace: " << std::filesystem::absolute(request.trace_file).string()
        << " (open in https://ui.perfetto.dev)\n";
  });
  if (!request.html_file.empty()) late.attempt([&] {
    write_stream_atomically(request.html_file,
                            [&](std::ostream& file) { write_html_swimlane(run.graph(), result.timeline, file); });
    out << "HTML swimlane: " << std::filesystem::absolute(request.html_file).string() << " (open in a browser)\n";
  });
}

}  // namespace

bool check_and_print(const models::ModelRun& run, std::ostream& out) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto report = run.check();
  const double golden_ms = ms_since(t0);
  report.print(out);
  out << fmt::format("golden check: {:.0f} ms\n", golden_ms);
  return report.pass();
}

models::DumpManifest manifest_of(const ModelRunRequest& request) {
  models::DumpManifest m;
  m.model = request.model;
  m.config = request.options.config;
  m.batch = request.options.batch;
  m.preset = request.options.preset;
  m.mode = request.options.mode;
  m.plant_bug = request.options.plant_bug;
  if (request.inputs_dir.empty()) m.seed = request.seed;
  m.inputs_from = request.inputs_dir.empty() ? "" : std::filesystem::absolute(request.inputs_dir).string();
  return m;
}

int run_model(const ModelRunRequest& request, std::ostream& out) {
  const auto& entry = models::find_model(request.model);
  check_model_options(entry, request.options);
  auto sim = simulator_for(request);
  const auto multichip = multichip_for(request);
  if (!request.dump_dir.empty()) models::ModelRun::check_dump_target(request.dump_dir, request.force);
  const bool planted = !request.options.plant_bug.empty();
  models::ModelOptions options = request.options;
  if (request.allow_hazards || planted) options.lint = Lint::Off;
  options.inputs_dir = request.inputs_dir;
  std::unique_ptr<models::ModelRun> run;
  try {
    run = entry.make(options);
  } catch (const LintError& e) {
    out << request.model << ": " << e.what() << "\n";
    print_lint_report(e.diagnostics(), out);
    out << kRefusedHint << "\nFAIL\n";
    return 1;
  }
  out << run->summary() << "\n";
  run->graph().verify();
  bool ok = !print_lint(run->graph(), request.machine, out);
  if (planted) out << "planted bug '" << request.options.plant_bug << "': the lint and precision reports below should show it\n";
  // The simulated run would refuse a graph over the chip's capacity: say so before the host run.
  if (sim) check_fits_machine(run->graph(), sim->machine());
  if (multichip) check_multichip_run({&run->graph()}, *multichip);

  if (request.inputs_dir.empty()) {
    run->generate_inputs(request.seed);
    out << "inputs: generated from seed " << request.seed << "\n";
  } else {
    run->load_inputs(request.inputs_dir);
    out << "inputs: read from " << request.inputs_dir << "/inputs/\n";
  }
  run->validate_inputs({.allow_nonfinite = request.allow_nonfinite});

  HostExecutor executor(request.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult host_result = run->run(executor, request.timeout_seconds);
  const Timeline& timeline = host_result.timeline;
  out << fmt::format("host run: {} threads, {:.2f} ms (first run: includes first touch of the staging buffers)\n",
                     executor.threads(), ms_since(t0));
  std::uint64_t declared_staging_bytes = 0;
  for (const auto& b : run->graph().buffers()) declared_staging_bytes += b->role() == Role::Staging ? b->bytes() : 0;
  out << fmt::format("host staging: peak {} held at once, of {} declared (a buffer is held from its first user's start "
                     "to its last user's end)\n",
                     bytes_text(host_result.peak_staging_bytes), bytes_text(declared_staging_bytes));
  print_stage_times(run->graph(), timeline, out);

  ok = check_and_print(*run, out) && ok;
  LateWrites late;
  // The inputs were read above, so `--inputs DIR --dump DIR` replaces the folder it read.
  if (!request.dump_dir.empty()) late.attempt([&] {
    run->dump(request.dump_dir, manifest_of(request), request.force);
    out << "tensors written to " << request.dump_dir << "/{inputs,staging,outputs}/ (and " << models::kDumpManifestFile
        << ")\n";
  });
  if (sim) simulate(*run, *sim, request, host_result.peak_staging_bytes, ok, late, out);
  if (multichip) {
    SimOptions options;
    options.strategy = request.strategy;
    const bool json = request.json != nullptr;  // --format json: the report alone on stdout
    report_multichip({&run->graph()}, *multichip, options, {request.trace_file, request.html_file, json},
                     json ? *request.json : out);
  }
  if (planted) ok = false;  // a run with a planted bug is never a pass, even when nothing caught it
  late.rethrow(out);
  out << (ok ? "PASS\n" : "FAIL\n");
  return ok ? 0 : 1;
}

}  // namespace tg::cli
