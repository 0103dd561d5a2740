#include "tasks/graph.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

namespace tg {

std::optional<TaskKind> parse_task_kind(std::string_view s) {
  for (TaskKind k : {TaskKind::Cube, TaskKind::Vector, TaskKind::Mix, TaskKind::Host})
    if (name_of(k) == s) return k;
  return std::nullopt;
}

std::optional<EdgeKind> parse_edge_kind(std::string_view s) {
  for (EdgeKind k : {EdgeKind::Raw, EdgeKind::War, EdgeKind::Waw, EdgeKind::Explicit})
    if (name_of(k) == s) return k;
  return std::nullopt;
}

namespace {
#ifdef NDEBUG
bool verify_graphs = false;
#else
bool verify_graphs = true;
#endif
}  // namespace

void set_verify_on_finalize(bool on) { verify_graphs = on; }
bool verify_on_finalize() { return verify_graphs; }

namespace {

// Names the tasks of one cycle among the tasks Kahn's algorithm could not order.
std::string describe_cycle(const std::vector<Task>& tasks, const std::vector<std::uint32_t>& offsets,
                           const std::vector<TaskId>& succ, const std::vector<int>& remaining) {
  const std::size_t n = tasks.size();
  std::vector<int> state(n, 0);  // 0 unvisited, 1 on stack, 2 done
  std::vector<TaskId> stack;
  std::vector<std::size_t> next(n, 0);
  for (TaskId start = 0; start < n; ++start) {
    if (remaining[start] == 0 || state[start]) continue;
    stack.push_back(start);
    state[start] = 1;
    while (!stack.empty()) {
      const TaskId t = stack.back();
      if (offsets[t] + next[t] < offsets[t + 1]) {
        const TaskId s = succ[offsets[t] + next[t]++];
        if (remaining[s] == 0) continue;
        if (state[s] == 1) {
          std::string msg;
          auto it = std::find(stack.begin(), stack.end(), s);
          for (; it != stack.end(); ++it) msg += "'" + tasks[*it].label() + "' -> ";
          return msg + "'" + tasks[s].label() + "'";
        }
        if (state[s] == 0) {
          state[s] = 1;
          stack.push_back(s);
        }
      } else {
        state[t] = 2;
        stack.pop_back();
      }
    }
  }
  return "(cycle not located)";
}

}  // namespace

Graph Graph::assemble(std::string name, std::vector<std::shared_ptr<const Buffer>> buffers,
                      std::vector<std::uint32_t> buffer_scopes, std::vector<Task> tasks,
                      std::vector<Edge> inferred, std::vector<ScopeInfo> scopes) {
  Graph g;
  g.name_ = std::move(name);
  g.buffers_ = std::move(buffers);
  g.buffer_scopes_ = std::move(buffer_scopes);
  g.buffer_scopes_.resize(g.buffers_.size(), 0);
  g.tasks_ = std::move(tasks);
  // A Scope hands over an exact-size vector (ChunkedVector::take_all); other callers (the
  // JSON reader, tuning) may pass a doubled one, whose unused slots this drops.
  g.tasks_.shrink_to_fit();
  g.scopes_ = std::move(scopes);
  if (g.scopes_.empty()) g.scopes_.push_back(ScopeInfo{g.name_, -1});
  const std::size_t n = g.tasks_.size();

  std::size_t explicit_count = 0;
  for (const auto& t : g.tasks_) explicit_count += t.after.size();
  inferred.reserve(inferred.size() + explicit_count);
  for (const auto& t : g.tasks_)
    for (TaskId a : t.after) {
      if (a >= n)
        throw GraphError("task '" + t.label() + "' is after task id " + std::to_string(a) + ", which does not exist");
      if (a == t.id) throw GraphError("task '" + t.label() + "' is after itself");
      inferred.push_back(Edge{a, t.id, EdgeKind::Explicit, kNoBuffer, -1, -1});
    }
  // CSR in one pass of counting sort by `from` (stable, so the first provenance found for
  // a (from, to) pair comes first and wins the dedupe); a bucket is sorted by `to` only when
  // explicit edges made it unsorted. Cost: O(n + E), plus O(d log d) per unsorted bucket.
  std::vector<std::uint32_t> bucket(n + 1, 0);
  for (const Edge& e : inferred) ++bucket[e.from + 1];
  for (std::size_t i = 0; i < n; ++i) bucket[i + 1] += bucket[i];
  std::vector<std::uint32_t> order(inferred.size());
  {
    std::vector<std::uint32_t> fill(bucket.begin(), bucket.end() - 1);
    for (std::uint32_t i = 0; i < inferred.size(); ++i) order[fill[inferred[i].from]++] = i;
  }
  g.edges_.reserve(inferred.size());
  g.out_offsets_.assign(n + 1, 0);
  bool forward = true;  // every edge goes to a later task: submission order is topological
  for (std::size_t from = 0; from < n; ++from) {
    const auto first = order.begin() + bucket[from], last = order.begin() + bucket[from + 1];
    auto by_to = [&](std::uint32_t x, std::uint32_t y) { return inferred[x].to < inferred[y].to; };
    if (!std::is_sorted(first, last, by_to)) std::stable_sort(first, last, by_to);
    for (auto it = first; it != last; ++it) {
      Edge& e = inferred[*it];
      if (e.from == e.to) continue;
      if (g.edges_.size() > g.out_offsets_[from] && g.edges_.back().to == e.to) continue;
      forward &= e.from < e.to;
      g.edges_.push_back(std::move(e));
    }
    g.out_offsets_[from + 1] = static_cast<std::uint32_t>(g.edges_.size());
  }

  g.in_offsets_.assign(n + 1, 0);
  for (const auto& e : g.edges_) ++g.in_offsets_[e.to + 1];
  for (std::size_t i = 0; i < n; ++i) g.in_offsets_[i + 1] += g.in_offsets_[i];
  g.succ_.resize(g.edges_.size());
  g.pred_.resize(g.edges_.size());
  g.out_edge_ids_.resize(g.edges_.size());
  g.in_edge_ids_.resize(g.edges_.size());
  std::vector<std::uint32_t> in_fill(g.in_offsets_.begin(), g.in_offsets_.end() - 1);
  for (std::uint32_t i = 0; i < g.edges_.size(); ++i) {
    const auto& e = g.edges_[i];
    g.succ_[i] = e.to;  // edges are sorted by from, so out position == edge index
    g.out_edge_ids_[i] = i;
    g.pred_[in_fill[e.to]] = e.from;
    g.in_edge_ids_[in_fill[e.to]++] = i;
  }

  // Kahn's algorithm, smallest id first among the ready: submission order where possible
  // (and exactly that, without the heap, when every edge goes forward).
  std::vector<int> remaining;
  if (forward) {
    g.topo_.resize(n);
    for (TaskId i = 0; i < n; ++i) g.topo_[i] = i;
  } else {
    remaining.resize(n);
    for (std::size_t i = 0; i < n; ++i) remaining[i] = static_cast<int>(g.in_offsets_[i + 1] - g.in_offsets_[i]);
    std::vector<TaskId> ready;
    for (TaskId i = 0; i < n; ++i)
      if (remaining[i] == 0) ready.push_back(i);
    std::make_heap(ready.begin(), ready.end(), std::greater<>());
    g.topo_.reserve(n);
    while (!ready.empty()) {
      std::pop_heap(ready.begin(), ready.end(), std::greater<>());
      const TaskId t = ready.back();
      ready.pop_back();
      g.topo_.push_back(t);
      for (auto s : g.successors(t))
        if (--remaining[s] == 0) {
          ready.push_back(s);
          std::push_heap(ready.begin(), ready.end(), std::greater<>());
        }
    }
  }
  if (g.topo_.size() != n)
    throw GraphError("scope '" + g.name_ + "': dependency cycle " +
                     describe_cycle(g.tasks_, g.out_offsets_, g.succ_, remaining) +
                     "; remove one of the explicit after() dependencies on it");
  return g;
}

std::span<const TaskId> Graph::successors(TaskId t) const {
  return {succ_.data() + out_offsets_[t], succ_.data() + out_offsets_[t + 1]};
}
std::span<const TaskId> Graph::predecessors(TaskId t) const {
  return {pred_.data() + in_offsets_[t], pred_.data() + in_offsets_[t + 1]};
}
std::span<const std::uint32_t> Graph::out_edges(TaskId t) const {
  return {out_edge_ids_.data() + out_offsets_[t], out_edge_ids_.data() + out_offsets_[t + 1]};
}
std::span<const std::uint32_t> Graph::in_edges(TaskId t) const {
  return {in_edge_ids_.data() + in_offsets_[t], in_edge_ids_.data() + in_offsets_[t + 1]};
}

const Buffer* Graph::find_buffer(std::string_view name) const {
  for (const auto& b : buffers_)
    if (b->name() == name) return b.get();
  return nullptr;
}

const Buffer& Graph::buffer(std::string_view name) const {
  if (auto* b = find_buffer(name)) return *b;
  throw Error("scope '" + name_ + "' has no buffer named '" + std::string(name) + "'");
}

void Graph::verify() const {
  const std::size_t n = tasks_.size();
  auto fail = [&](const std::string& why) { throw GraphError("graph '" + name_ + "' invalid: " + why); };
  if (out_offsets_.size() != n + 1 || in_offsets_.size() != n + 1) fail("CSR offsets have the wrong size");
  if (topo_.size() != n) fail("topological order misses tasks");
  std::vector<std::size_t> position(n);
  for (std::size_t i = 0; i < n; ++i) position[topo_[i]] = i;
  for (std::size_t i = 0; i < n; ++i)
    if (tasks_[i].id != i) fail("task " + tasks_[i].label() + " is stored at index " + std::to_string(i));
  for (std::size_t i = 0; i + 1 < edges_.size(); ++i)
    if (edges_[i].from > edges_[i + 1].from || (edges_[i].from == edges_[i + 1].from && edges_[i].to >= edges_[i + 1].to))
      fail("edges are not sorted by (from, to) without duplicates at edge " + std::to_string(i));
  std::vector<std::optional<std::vector<TaskId>>> sorted_after(n);
  for (std::uint32_t i = 0; i < edges_.size(); ++i) {
    const Edge& e = edges_[i];
    if (e.from >= n || e.to >= n) fail("edge " + std::to_string(i) + " names a missing task");
    if (position[e.from] >= position[e.to])
      fail("edge " + tasks_[e.from].label() + " -> " + tasks_[e.to].label() + " goes against the order");
    // Sorted lists, looked up by binary search: a 10^5-wide fan-in stays O(E log E).
    const auto preds = predecessors(e.to);
    if (!std::binary_search(preds.begin(), preds.end(), e.from))
      fail("edge " + tasks_[e.from].label() + " -> " + tasks_[e.to].label() + " is missing from the reverse CSR");
    if (e.kind == EdgeKind::Explicit) {
      if (!sorted_after[e.to]) {
        sorted_after[e.to].emplace(tasks_[e.to].after);
        std::sort(sorted_after[e.to]->begin(), sorted_after[e.to]->end());
      }
      if (!std::binary_search(sorted_after[e.to]->begin(), sorted_after[e.to]->end(), e.from))
        fail("explicit edge " + tasks_[e.from].label() + " -> " + tasks_[e.to].label() + " has no after() behind it");
      continue;
    }
    // An inferred edge: both args exist, touch the region with the right access, and
    // the submission order agrees.
    const Task& from = tasks_[e.from];
    const Task& to = tasks_[e.to];
    if (e.from >= e.to) fail("inferred edge " + from.label() + " -> " + to.label() + " goes backwards in submission order");
    if (e.from_arg < 0 || e.to_arg < 0 || static_cast<std::size_t>(e.from_arg) >= from.args.size() ||
        static_cast<std::size_t>(e.to_arg) >= to.args.size())
      fail("edge " + from.label() + " -> " + to.label() + " names a missing argument");
    const Arg& a = from.args[static_cast<std::size_t>(e.from_arg)];
    const Arg& b = to.args[static_cast<std::size_t>(e.to_arg)];
    const bool access_ok = (e.kind == EdgeKind::Raw && writes(a.access) && reads(b.access)) ||
                           (e.kind == EdgeKind::War && reads(a.access) && writes(b.access)) ||
                           (e.kind == EdgeKind::Waw && writes(a.access) && writes(b.access));
    if (!access_ok)
      fail("edge " + from.label() + " -> " + to.label() + " is " + std::string(name_of(e.kind)) +
           " but the accesses are " + std::string(name_of(a.access)) + " and " + std::string(name_of(b.access)));
    if (a.view.buffer().id() != e.buffer || b.view.buffer().id() != e.buffer)
      fail("edge " + from.label() + " -> " + to.label() + " names buffer " + std::to_string(e.buffer) +
           " that its arguments do not touch");
    // The edge's region is the overlap of its two arguments (tasks/edge_region.hpp).
    if (!overlaps(a.view, b.view))
      fail("edge " + from.label() + " -> " + to.label() + " joins " + a.view.describe() + " and " +
           b.view.describe() + ", which do not overlap");
  }
  for (std::size_t t = 0; t < n; ++t)
    for (auto p : predecessors(static_cast<TaskId>(t))) {
      const auto s = successors(p);
      if (!std::binary_search(s.begin(), s.end(), static_cast<TaskId>(t))) fail("reverse CSR edge without a forward twin");
    }
}

}  // namespace tg
