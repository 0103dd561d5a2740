#include "tuning/fused_graph.hpp"

#include <algorithm>
#include <set>

#include "runtime/error.hpp"
#include "tasks/lint.hpp"
#include "tuning/fused_task.hpp"

namespace tg::tuning {
namespace {

// An edge kind its (renumbered) accesses still justify: the consumer's read of the
// intermediate is gone, so a WAR from it becomes a WAW from the fused task's write.
std::optional<EdgeKind> kind_for(EdgeKind kind, Access from, Access to) {
  const bool ok = (kind == EdgeKind::Raw && writes(from) && reads(to)) || (kind == EdgeKind::War && reads(from) && writes(to)) ||
                  (kind == EdgeKind::Waw && writes(from) && writes(to));
  if (ok) return kind;
  if (writes(from) && writes(to)) return EdgeKind::Waw;
  if (writes(from) && reads(to)) return EdgeKind::Raw;
  if (reads(from) && writes(to)) return EdgeKind::War;
  return std::nullopt;
}

// A lint error the input graph did not have (a graph run with --allow-hazards keeps its own).
void check_result(const Graph& fused, const Graph& input, const std::string& what) {
  fused.verify();
  const LintOptions options{.machine = std::nullopt, .disabled = {}, .hints = false};
  auto key = [](const Diagnostic& d) {
    return d.rule + "|" + d.buffer + "|" + (d.regions.empty() ? std::string() : box_to_string(d.regions.front()));
  };
  std::vector<Diagnostic> errors;
  for (auto& d : lint(fused, options))
    if (d.severity == Severity::Error) errors.push_back(std::move(d));
  if (errors.empty()) return;
  std::set<std::string> before;
  for (const auto& d : lint(input, options))
    if (d.severity == Severity::Error) before.insert(key(d));
  for (const auto& d : errors)
    if (!before.count(key(d)))
      throw GraphError("fusing " + what + " gave a graph lint refuses (a bug in the transform): " + d.to_string());
}

}  // namespace

FusedGraph fuse_pair(const Graph& graph, const Machine& machine, const FusionPlan& plan) {
  const TaskId p = plan.producer, c = plan.consumer;
  const std::size_t n = graph.num_tasks();
  FusedGraph out;
  out.new_id.resize(n);
  for (TaskId t = 0; t < n; ++t) out.new_id[t] = t < p ? t : (t == p || t == c) ? c - 1 : t - 1;
  const auto& m = out.new_id;
  auto remap_after = [&](std::vector<TaskId> after) {
    for (auto& a : after) a = m[a];
    std::sort(after.begin(), after.end());
    after.erase(std::unique(after.begin(), after.end()), after.end());
    return after;
  };

  FusedTask fused = fused_task(graph, machine, plan);
  std::vector<Task> tasks;
  tasks.reserve(n - 1);
  for (const Task& t : graph.tasks()) {
    if (t.id == p) continue;
    Task copy = t.id == c ? std::move(fused.task) : t;
    copy.id = m[t.id];
    copy.after = remap_after(std::move(copy.after));
    std::erase(copy.after, copy.id);
    tasks.push_back(std::move(copy));
  }

  auto arg_of = [&](TaskId t, int arg) -> int {
    if (arg < 0) return arg;
    if (t == p) return fused.producer_arg[static_cast<std::size_t>(arg)];
    if (t != c) return arg;
    int mapped = fused.consumer_arg[static_cast<std::size_t>(arg)];
    if (mapped >= 0) return mapped;
    for (const auto& carried : plan.carried)  // the read of the intermediate: the fused task's write of it
      if (carried.consumer_arg == arg) return fused.producer_arg[static_cast<std::size_t>(carried.producer_arg)];
    return -1;
  };
  std::vector<Edge> edges;
  for (const Edge& e : graph.edges()) {
    if (e.kind == EdgeKind::Explicit) continue;  // assemble() adds them again from the after lists
    Edge r = e;
    r.from = m[e.from];
    r.to = m[e.to];
    if (r.from == r.to) continue;
    r.from_arg = arg_of(e.from, e.from_arg);
    r.to_arg = arg_of(e.to, e.to_arg);
    if (r.from_arg < 0 || r.to_arg < 0)
      throw GraphError("fusing '" + graph.task(p).label() + "' into '" + graph.task(c).label() + "': edge " +
                       graph.task(e.from).label() + " -> " + graph.task(e.to).label() +
                       " is on an argument the fused task no longer has (a bug in the candidate check)");
    const auto kind = kind_for(e.kind, tasks[r.from].args[static_cast<std::size_t>(r.from_arg)].access,
                               tasks[r.to].args[static_cast<std::size_t>(r.to_arg)].access);
    if (!kind) continue;
    r.kind = *kind;
    edges.push_back(std::move(r));
  }
  std::vector<std::uint32_t> buffer_scopes(graph.buffers().size());
  for (std::uint32_t b = 0; b < buffer_scopes.size(); ++b) buffer_scopes[b] = graph.scope_of_buffer(b);
  out.graph = Graph::assemble(graph.name(), graph.buffers(), std::move(buffer_scopes), std::move(tasks), std::move(edges),
                              graph.scopes());
  const std::string what = "'" + graph.task(p).label() + "' and '" + graph.task(c).label() + "'";
  check_result(out.graph, graph, what);
  out.applied.push_back(graph.task(p).label() + " + " + graph.task(c).label());
  return out;
}

FusedGraph fuse(const Graph& graph, const Machine& machine, const FusionCandidate& candidate) {
  return fuse(graph, machine, std::vector<FusionCandidate>{candidate});
}

FusedGraph fuse(const Graph& graph, const Machine& machine, const std::vector<FusionCandidate>& candidates) {
  FusedGraph out;
  out.graph = graph;
  out.new_id.resize(graph.num_tasks());
  for (TaskId t = 0; t < graph.num_tasks(); ++t) out.new_id[t] = t;
  std::set<TaskId> used;  // input-graph tasks already in an applied fusion
  for (const auto& candidate : candidates) {
    const std::string label = candidate.label.empty() ? "candidate" : candidate.label;
    if (candidate.chain.size() < 2) {
      out.skipped.push_back(label + ": a fusion needs at least two tasks");
      continue;
    }
    if (std::any_of(candidate.chain.begin(), candidate.chain.end(), [&](TaskId t) { return t >= graph.num_tasks() || used.count(t); })) {
      out.skipped.push_back(label + ": shares a task with a fusion already applied (or names a task not in the graph)");
      continue;
    }
    FusedGraph step{out.graph, out.new_id, {}, {}};
    std::string why;
    for (std::size_t i = 1; i < candidate.chain.size() && why.empty(); ++i) {
      const auto check = check_fusion(step.graph, machine, step.new_id[candidate.chain[i - 1]], step.new_id[candidate.chain[i]]);
      if (!check.plan) {
        why = check.why_not;
        break;
      }
      FusedGraph next = fuse_pair(step.graph, machine, *check.plan);
      for (auto& id : step.new_id) id = next.new_id[id];
      step.graph = std::move(next.graph);
    }
    if (!why.empty()) {
      if (candidates.size() == 1) throw GraphError("cannot fuse " + label + ": " + why);
      out.skipped.push_back(label + ": " + why);
      continue;
    }
    out.graph = std::move(step.graph);
    out.new_id = std::move(step.new_id);
    out.applied.push_back(label);
    used.insert(candidate.chain.begin(), candidate.chain.end());
  }
  return out;
}

}  // namespace tg::tuning
