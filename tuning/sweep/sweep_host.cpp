#include "tuning/sweep/sweep_host.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>

#include "models/common/registry.hpp"
#include "scheduler/host_executor.hpp"

namespace tg::tuning {

namespace {

std::int64_t median(std::vector<std::int64_t> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

SweepResult sweep_on_host(const SweepRequest& request, const HostSweepOptions& options) {
  const std::clock_t cpu0 = std::clock();
  const auto& entry = models::find_model(request.model);
  HostExecutor executor(options.threads);

  SweepResult result;
  result.model = request.model;
  result.base = base_text(request.options);
  result.executor = "host";
  result.machine = "host";
  result.strategy = "host";
  result.seeds = options.reps;
  result.threads = executor.threads();
  const auto settings = combinations(request.axes);
  result.combinations = settings.size();
  for (const auto& setting : settings) {
    std::unique_ptr<models::ModelRun> run;
    if (auto reason = refusal_of([&] { run = entry.make(options_for(request, setting)); })) {
      result.refused.push_back({setting, *reason});
      continue;
    }
    run->generate_inputs(1);
    run->validate_inputs();
    run->run(executor);  // also the warm-up: staging first touched here
    SweepRow row = row_of(setting, run->graph());
    row.strategy = "host";
    row.golden_pass = run->check().pass();
    // Timed as `tilegraph bench` times: the executor's run on the bound memory alone.
    std::vector<std::int64_t> wall_ns;
    for (int i = 0; i < options.reps; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      executor.run(run->graph(), run->bindings());
      wall_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
    }
    row.spread = spread_of(wall_ns);
    row.makespan_ns = median(wall_ns);
    result.rows.push_back(std::move(row));
  }
  sort_best_first(result.rows);
  result.cpu_seconds = static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
  return result;
}

}  // namespace tg::tuning
