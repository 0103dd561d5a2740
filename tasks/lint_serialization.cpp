// false-serialization (a hint): task B waits for task A only through WAR / WAW overlaps
// whose regions partly overlap each other (neither contains the other), with no data
// flowing from A to B and no other path ordering them. Tiles cut on one set of boundaries
// would be disjoint or identical, and the two tasks could run at once.
// Cost: O(A_a * A_b) arg pairs per WAR/WAW edge, plus one O(V + E) path search for each
// edge that passes those checks.
#include <algorithm>

#include "tasks/lint_rules.hpp"

namespace tg::lint_detail {

namespace {

std::int64_t numel_of_boxes(const std::vector<Box>& boxes) {
  std::int64_t n = 0;
  for (const auto& b : boxes) n += b.numel();
  return n;
}

// Whether every overlap between A's and B's args is a partial WAR / WAW overlap.
bool only_partial_false_overlaps(const Task& a, const Task& b) {
  for (const auto& x : a.args)
    for (const auto& y : b.args) {
      if (&x.view.buffer() != &y.view.buffer() || (!writes(x.access) && !writes(y.access))) continue;
      const auto overlap = overlap_boxes(x.view, y.view);
      if (overlap.empty()) continue;
      if (writes(x.access) && reads(y.access)) return false;  // data flows: a true dependence
      const auto n = numel_of_boxes(overlap);
      if (n >= x.view.numel() || n >= y.view.numel()) return false;  // one contains the other
    }
  return true;
}

class PathFinder {
 public:
  explicit PathFinder(const Graph& g) : graph_(g), position_(g.num_tasks()), stamp_(g.num_tasks(), 0) {
    const auto& order = g.topo_order();
    for (std::size_t i = 0; i < order.size(); ++i) position_[order[i]] = i;
  }

  // Whether `to` is reachable from `from` without the direct edge from -> to.
  bool other_path(TaskId from, TaskId to) {
    ++round_;
    stack_.clear();
    for (TaskId s : graph_.successors(from))
      if (s != to) push(s, to);
    while (!stack_.empty()) {
      const TaskId t = stack_.back();
      stack_.pop_back();
      if (t == to) return true;
      for (TaskId s : graph_.successors(t)) push(s, to);
    }
    return false;
  }

 private:
  void push(TaskId t, TaskId to) {
    if (stamp_[t] == round_ || position_[t] > position_[to]) return;  // past `to` in topological order
    stamp_[t] = round_;
    stack_.push_back(t);
  }

  const Graph& graph_;
  std::vector<std::size_t> position_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t round_ = 0;
  std::vector<TaskId> stack_;
};

}  // namespace

void check_false_serialization(const Graph& graph, std::vector<Diagnostic>& out) {
  PathFinder paths(graph);
  for (const auto& e : graph.edges()) {
    if ((e.kind != EdgeKind::War && e.kind != EdgeKind::Waw) || e.buffer == kNoBuffer) continue;
    const Task& a = graph.task(e.from);
    const Task& b = graph.task(e.to);
    if (!only_partial_false_overlaps(a, b) || paths.other_path(e.from, e.to)) continue;
    const auto& earlier = a.args.at(static_cast<std::size_t>(e.from_arg));
    const auto& later = b.args.at(static_cast<std::size_t>(e.to_arg));
    Diagnostic d;
    d.rule = "false-serialization";
    d.severity = Severity::Info;
    d.task = b.id;
    d.arg = e.to_arg;
    d.other_task = a.id;
    d.other_arg = e.from_arg;
    d.buffer = later.view.buffer().name();
    d.regions = merge_boxes(overlap_boxes(earlier.view, later.view));
    d.message = b.label() + " waits for " + a.label() + " only because its arg " + std::to_string(e.to_arg) + " (" +
                describe_arg(b, static_cast<std::size_t>(e.to_arg)) + ") and " + a.label() + " arg " +
                std::to_string(e.from_arg) + " (" + describe_arg(a, static_cast<std::size_t>(e.from_arg)) +
                ") partly overlap in " + describe_region(d.buffer, d.regions) + " (a " + std::string(name_of(e.kind)) +
                " edge); no data flows between them";
    d.suggestion = "cut both tasks' tiles on the same boundaries so their regions are disjoint or identical, or give "
                   "one of them its own buffer (a staging ring), and the two can run at the same time";
    out.push_back(std::move(d));
  }
}

}  // namespace tg::lint_detail
