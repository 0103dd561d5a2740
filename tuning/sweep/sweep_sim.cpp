#include "tuning/sweep/sweep_sim.hpp"

#include <ctime>

#include "models/common/registry.hpp"
#include "runtime/multichip_machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/lint.hpp"
#include "trace/schedule_analysis.hpp"

namespace tg::tuning {

namespace {

// Only buffer-capacity is kept: finalize() already judged every machine-independent rule.
LintOptions capacity_only(const Machine& machine) {
  LintOptions options;
  options.machine = machine;
  options.hints = false;
  for (const auto& rule : lint_rules())
    if (rule.id != "buffer-capacity") options.disabled.emplace_back(rule.id);
  return options;
}

std::optional<std::string> capacity_refusal(const Graph& graph, const LintOptions& options) {
  std::size_t errors = 0;
  std::string first;
  for (const auto& d : lint(graph, options)) {
    if (d.severity != Severity::Error) continue;
    if (errors++ == 0) first = d.message;
  }
  if (errors == 0) return std::nullopt;
  return "capacity: " + std::to_string(errors) + (errors == 1 ? " task is over its" : " tasks are over their") +
         " on-chip buffer; first: " + first;
}

SweepRow simulate_row(const TileSetting& setting, const Graph& graph, const Machine& machine, const std::string& strategy,
                      const SimSweepOptions& options) {
  SimOptions sim;
  sim.strategy = strategy;
  sim.jitter_seed = options.jitter;
  const SimResult first = SimExecutor(machine, sim).simulate(graph);
  SweepRow row = row_of(setting, graph);
  row.strategy = strategy;
  row.makespan_ns = first.timeline.makespan_ns;
  row.bound_by = analyze_schedule(graph, first.timeline, &machine, &first.model).bound_by;
  if (options.jitter) {
    std::vector<std::int64_t> makespans{first.timeline.makespan_ns};
    for (int i = 1; i < options.seeds; ++i) {
      sim.jitter_seed = *options.jitter + static_cast<std::uint64_t>(i);
      makespans.push_back(SimExecutor(machine, sim).simulate(graph).timeline.makespan_ns);
    }
    row.spread = spread_of(makespans);
    row.makespan_ns = static_cast<std::int64_t>(row.spread->mean_ns + 0.5);
  }
  return row;
}

}  // namespace

SweepResult sweep_on_simulator(const SweepRequest& request, const SimSweepOptions& options) {
  const std::clock_t cpu0 = std::clock();
  const auto& entry = models::find_model(request.model);
  if (is_multichip_machine(options.machine))
    throw ConfigError(ErrorContext{.option = "--machine"},
                      "a sweep simulates one chip; '" + options.machine +
                          "' is a multi-chip machine: give a chip preset (a2a3, a5) or a chip .json file");
  const Machine machine = load_machine(options.machine);
  for (const auto& strategy : options.strategies) {  // names checked before anything is built
    SimOptions named;
    named.strategy = strategy;
    SimExecutor(machine, named);
  }
  const LintOptions capacity = capacity_only(machine);

  SweepResult result;
  result.model = request.model;
  result.base = base_text(request.options);
  result.executor = "sim";
  result.machine = machine.name;
  result.strategy = options.strategy_label.empty() ? options.strategies.front() : options.strategy_label;
  result.jitter = options.jitter;
  result.seeds = options.jitter ? options.seeds : 1;
  const auto settings = combinations(request.axes);
  result.combinations = settings.size();
  for (const auto& setting : settings) {
    const auto model_options = options_for(request, setting);
    std::optional<Graph> graph;
    auto reason = refusal_of([&] {
      graph = entry.graph ? entry.graph(model_options) : Graph(entry.make(model_options)->graph());
    });
    if (!reason) reason = capacity_refusal(*graph, capacity);
    if (reason) {
      result.refused.push_back({setting, *reason});
      continue;
    }
    std::vector<SweepRow> rows;
    try {
      for (const auto& strategy : options.strategies) {
        rows.push_back(simulate_row(setting, *graph, machine, strategy, options));
      }
    } catch (const CapacityError& e) {  // the simulator's own capacity check: nothing of this setting is kept
      result.refused.push_back({setting, "capacity: " + std::string(e.what())});
      continue;
    }
    result.rows.insert(result.rows.end(), rows.begin(), rows.end());
  }
  sort_best_first(result.rows);
  result.cpu_seconds = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  return result;
}

}  // namespace tg::tuning
