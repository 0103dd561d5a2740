#include "tuning/sweep/sweep_result.hpp"

#include <algorithm>

#include "tasks/diagnostic.hpp"
#include "trace/schedule_analysis.hpp"

namespace tg::tuning {

models::ModelOptions options_for(const SweepRequest& request, const TileSetting& setting) {
  models::ModelOptions options = request.options;
  for (const auto& [name, value] : setting) options.tiles[name] = value;
  return options;
}

std::optional<std::string> refusal_of(const std::function<void()>& build) {
  try {
    build();
  } catch (const LintError& e) {
    return "lint: " + std::string(e.what());
  } catch (const ConfigError& e) {
    return "config: " + std::string(e.what());
  }
  return std::nullopt;
}

Spread spread_of(const std::vector<std::int64_t>& times_ns) {
  const SeedSpread s = seed_spread(times_ns);
  return {static_cast<int>(times_ns.size()), s.mean_ns, s.stddev_ns, s.min_ns, s.max_ns};
}

SweepRow row_of(const TileSetting& setting, const Graph& graph) {
  SweepRow row;
  row.setting = setting;
  row.tasks = graph.num_tasks();
  row.edges = graph.edges().size();
  for (const auto& task : graph.tasks()) row.blocks += task.block_num;
  return row;
}

std::string base_text(const models::ModelOptions& options) {
  std::string text = "config " + options.config;
  if (!options.preset.empty()) text += ", preset " + options.preset;
  if (!options.mode.empty()) text += ", mode " + options.mode;
  if (options.batch > 0) text += ", batch " + std::to_string(options.batch);
  return text;
}

void sort_best_first(std::vector<SweepRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const SweepRow& a, const SweepRow& b) { return a.makespan_ns < b.makespan_ns; });
}

}  // namespace tg::tuning
