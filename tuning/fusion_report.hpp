#pragma once
// The fusion advice as `tilegraph sim --advise` prints it: text, one JSON object with
// stable keys, or a table for the swimlane page (trace/html.hpp's HtmlSection).
#include <optional>
#include <string>
#include <vector>

#include "trace/html.hpp"
#include "tuning/fusion_candidates.hpp"

namespace tg::tuning {

struct FusionAdvice {
  std::string scope;
  std::string machine;
  std::string strategy;
  std::int64_t makespan_ns = 0;
  std::vector<FusionCandidate> candidates;  // best first (rank_by_gain)
  // With --fuse: the candidates applied (fuse_gainful) and the fused graph's makespan.
  std::vector<std::string> applied;
  std::vector<std::string> skipped;
  std::optional<std::int64_t> fused_makespan_ns;
  std::size_t fused_tasks = 0;
};

// The first `top` candidates (all when top <= 0).
std::string format_advice(const FusionAdvice& advice, int top);
// {"scope", "machine", "strategy", "makespan_ns", "candidates_found", "candidates": [{"rank",
// "label", "tasks", "kind", "gain_ns", "gain_pct", "fused_makespan_ns", "intermediates",
// "on_chip", "working_set_bytes", "buffer", "buffer_bytes", "reason", "saved": {"orchestrator_ns",
// "scheduler_ns", "head_ns", "switch_ns", "completion_wait_ns", "gm_bytes"}}]}; with --fuse also
// "applied", "skipped" (labels), "fused_tasks" and "fused_makespan_ns".
std::string advice_json(const FusionAdvice& advice, int top);
HtmlSection advice_section(const FusionAdvice& advice, int top);

}  // namespace tg::tuning
