#pragma once
// Schedule analysis: what a Timeline says about the schedule. Makespan, the static critical
// path (infinite cores) against the observed one, utilisation and scheduler overhead per
// core type, and where the time between tasks on the observed path went.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/chip_model_stats.hpp"
#include "runtime/machine.hpp"
#include "tasks/timeline.hpp"
#include "tasks/graph.hpp"

namespace tg {

// Time on the observed critical path between a producer's end and its consumer's start.
struct PathGaps {
  std::int64_t fin_detection_ns = 0;      // producer end -> its FIN seen
  std::int64_t ready_undispatched_ns = 0; // consumer ready -> dispatch of its deciding block
  std::int64_t pickup_ns = 0;             // dispatch -> start (dispatch cost + core pickup)
  std::int64_t other_ns = 0;              // anything else: waiting for the orchestrator's submit
  std::int64_t compute_ns = 0;            // start -> end of the path's blocks
};

// One engine: the AIC cores, the AIV cores or the host lanes.
struct EngineStats {
  std::string engine;  // "AIC", "AIV", "host"
  int cores = 0;
  double utilisation = 0;        // busy (start..end) / (cores x makespan)
  double sched_overhead_pct = 0; // % of makespan with an idle core of this type while a
                                 // block of this type is ready and undispatched
};

struct ScheduleAnalysis {
  std::string source;  // Timeline::source
  std::int64_t makespan_ns = 0;
  // Longest path with infinite cores and ideal dispatch: each task weighs its longest block
  // (with a machine: the isolated modelled duration plus FIN detection, and the path's
  // first task also pays dispatch + pickup, as early dispatch can hide them for the rest;
  // without a machine: the observed end - start). A lower bound for every strategy.
  std::int64_t static_critical_path_ns = 0;
  std::vector<TaskId> static_critical_path;
  // Walking back from the last FIN seen through the producer whose FIN made each task ready;
  // its length is counted from time 0 (the wait for the first task's submit is "other").
  std::int64_t observed_critical_path_ns = 0;
  std::vector<TaskId> observed_critical_path;
  PathGaps observed_gaps;
  std::vector<EngineStats> engines;  // engines with at least one lane
  double sched_overhead_all_pct = 0; // every engine overheaded at once
  double sched_overhead_has_pct = 0; // at least one engine overheaded
  // From the chip model (SimResult::model), when the analysis was given it.
  std::optional<ChipModelStats> model;
  // What bounds the makespan, of: "orchestration", "scheduler threads", "HBM bandwidth",
  // "compute", "critical path" (the largest share of the makespan each keeps busy), and one
  // line of advice. Empty without a chip model.
  std::string bound_by;
  std::string advice;
};

// Cost: O(R log R + V + E) for R rows, V tasks, E edges.
ScheduleAnalysis analyze_schedule(const Graph& graph, const Timeline& timeline, const Machine* machine = nullptr,
                                  const ChipModelStats* model = nullptr);

// A multi-line report of one analysis.
std::string format_analysis(const ScheduleAnalysis& analysis);

// The analysis as one JSON object with stable keys (docs/simulator.md lists them).
std::string analysis_json(const ScheduleAnalysis& analysis);

// One run of a report: its strategy, analysis and named figures (numbers), and, over
// jitter seeds, the makespan of each seed's run.
struct RunReport {
  std::string strategy;
  ScheduleAnalysis analysis;
  std::vector<std::pair<std::string, double>> figures;
  std::vector<std::int64_t> seed_makespans_ns;
};
// {header keys: strings, "runs": [{"strategy", "analysis", figures..., "seeds": {"count",
// "makespan_mean_ns", "makespan_stddev_ns", "makespan_min_ns", "makespan_max_ns"} or null}]}
std::string report_json(const std::vector<std::pair<std::string, std::string>>& header, const std::vector<RunReport>& runs);

// Mean and (population) standard deviation of makespans over seeds.
struct SeedSpread {
  double mean_ns = 0, stddev_ns = 0;
  std::int64_t min_ns = 0, max_ns = 0;
};
SeedSpread seed_spread(const std::vector<std::int64_t>& makespans_ns);

// One table, a column per analysis (e.g. one per strategy), headed by `names`; extra_rows
// (label, one cell per column) are appended, e.g. peak staging bytes from the SimResults.
std::string format_comparison(const std::vector<std::string>& names, const std::vector<ScheduleAnalysis>& analyses,
                              const std::vector<std::pair<std::string, std::vector<std::string>>>& extra_rows = {});

}  // namespace tg
