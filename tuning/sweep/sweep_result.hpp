#pragma once
// What a tile sweep gives back, from the simulator or the host executor alike: one row per
// simulated (or timed) combination and strategy, best first, and the combinations refused
// with their reasons, in combination order.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/common/model_run.hpp"
#include "tasks/graph.hpp"
#include "tuning/sweep/sweep_space.hpp"

namespace tg::tuning {

// The model, its fixed options and the axes: what every executor sweeps the same way.
struct SweepRequest {
  std::string model;             // a name of models::model_registry()
  models::ModelOptions options;  // config, preset, mode, batch; tiles come from each combination
  std::vector<SweepAxis> axes;
};

// Over jitter seeds (simulator) or timed repetitions (host).
struct Spread {
  int count = 0;
  double mean_ns = 0, stddev_ns = 0;
  std::int64_t min_ns = 0, max_ns = 0;
};

struct SweepRow {
  TileSetting setting;
  std::string strategy;        // the dispatch strategy; "host" on the host executor
  std::int64_t makespan_ns = 0;  // simulator: the makespan (the mean over seeds with jitter); host: the median
  std::size_t tasks = 0, edges = 0;
  std::int64_t blocks = 0;     // SPMD blocks over all tasks
  std::string bound_by;        // the chip model's "bound by" (simulator only)
  std::optional<Spread> spread;
  std::optional<bool> golden_pass;  // host: every stage's local check within tolerance
};

struct Refusal {
  TileSetting setting;
  std::string reason;  // "config: ...", "lint: ...", "capacity: ..."
};

struct SweepResult {
  std::string model;
  std::string base;      // the fixed options, "config small, preset flash, mode decode"
  std::string executor;  // "sim" | "host"
  std::string machine;   // the machine's name; "host" on the host executor
  std::string strategy;  // as asked: one name, or "all"
  std::optional<std::uint64_t> jitter;  // the first seed, with jitter
  int seeds = 0;         // jittered runs per row (simulator) or timed runs (host)
  int threads = 0;       // host threads (host only)
  std::size_t combinations = 0;
  std::vector<SweepRow> rows;        // best first: lowest makespan_ns, ties in combination order
  std::vector<Refusal> refused;      // in combination order
  double cpu_seconds = 0;            // process CPU time the sweep took
};

// The model options of one combination: the request's, with the setting's tiles.
models::ModelOptions options_for(const SweepRequest& request, const TileSetting& setting);

// Runs `build` (a graph or a model run for one combination): returns the reason when the
// config's validation refuses it (ConfigError: "config: ...") or finalize's lint does
// (LintError: "lint: ..."), nothing when it built. Other errors pass through.
std::optional<std::string> refusal_of(const std::function<void()>& build);

// Count, mean, population std dev, min and max of `times_ns` (not empty).
Spread spread_of(const std::vector<std::int64_t>& times_ns);

// A row for `setting` with the graph's shape (tasks, edges, SPMD blocks) filled in.
SweepRow row_of(const TileSetting& setting, const Graph& graph);

// "config small, preset flash, mode decode, batch 2": the options the sweep keeps fixed.
std::string base_text(const models::ModelOptions& options);

// Sorts rows best first (stable: ties keep combination order).
void sort_best_first(std::vector<SweepRow>& rows);

}  // namespace tg::tuning
