// Rules on one task's own arguments: multi-inout, in-out-overlap, view-out-of-bounds,
// dtype-mismatch, write-to-input. Cost: O(W * A * p * q) per task for A args (W of them written) of p and q
// boxes each.
#include <algorithm>

#include "tasks/lint_rules.hpp"

namespace tg::lint_detail {

namespace {

Diagnostic about(const Task& task, std::size_t arg, std::string rule, Severity severity) {
  Diagnostic d;
  d.rule = std::move(rule);
  d.severity = severity;
  d.task = task.id;
  d.arg = static_cast<int>(arg);
  d.buffer = task.args[arg].view.buffer().name();
  return d;
}

void check_pair(const Task& task, std::size_t i, std::size_t k, std::vector<Diagnostic>& out) {
  const Arg& a = task.args[i];
  const Arg& b = task.args[k];
  if (&a.view.buffer() != &b.view.buffer()) return;
  const bool a_writes = writes(a.access), b_writes = writes(b.access);
  if (!a_writes && !b_writes) return;
  auto overlap = overlap_boxes(a.view, b.view);
  if (overlap.empty()) return;
  overlap = merge_boxes(std::move(overlap));
  const std::string where = describe_region(a.view.buffer().name(), overlap);
  const std::string head = task.label() + ": arg " + std::to_string(i) + " (" + describe_arg(task, i) + ") and arg " +
                           std::to_string(k) + " (" + describe_arg(task, k) + ")";
  if (a_writes && b_writes) {
    Diagnostic d = about(task, i, "multi-inout", Severity::Error);
    d.other_task = task.id;
    d.other_arg = static_cast<int>(k);
    d.regions = std::move(overlap);
    d.message = head + " both write " + where +
                "; the two outputs alias, so what lands there depends on the kernel's store order";
    d.suggestion = "give each output its own region or buffer, or merge them into one InOut arg";
    out.push_back(std::move(d));
    return;
  }
  // One reads only, the other writes: blocks may read values another block already wrote.
  const std::size_t reader = a_writes ? k : i, writer = a_writes ? i : k;
  Diagnostic d = about(task, reader, "in-out-overlap", Severity::Error);
  d.other_task = task.id;
  d.other_arg = static_cast<int>(writer);
  d.regions = std::move(overlap);
  d.message = head + " overlap in " + where + ": arg " + std::to_string(reader) + " reads what arg " +
              std::to_string(writer) + " writes, and the inference sees no hazard inside one task";
  d.suggestion = "if the kernel updates the region in place pass it once, as one InOut arg; otherwise write the "
                 "result to a separate buffer";
  out.push_back(std::move(d));
}

void check_bounds(const Task& task, std::size_t i, std::vector<Diagnostic>& out) {
  const View& v = task.args[i].view;
  const Box whole = v.buffer().full_box();
  // A view made by slicing is one box, inside its buffer by construction; only frames of
  // reshaped views (and JSON boxes) need the decomposition.
  if (v.box() && v.box()->rank() == whole.rank() && contains(whole, *v.box())) return;
  for (const auto& b : v.buffer_boxes()) {
    if (b.rank() == whole.rank() && contains(whole, b)) continue;
    Diagnostic d = about(task, i, "view-out-of-bounds", Severity::Error);
    d.regions = {b};
    d.message = task.label() + ": arg " + std::to_string(i) + " (" + describe_arg(task, i) + ") reaches " +
                v.buffer().name() + box_to_string(b) + ", outside buffer '" + v.buffer().name() + "' " +
                to_string(v.buffer().shape());
    d.suggestion = "clip the view to the buffer's shape, or grow the buffer if the task really touches these elements";
    out.push_back(std::move(d));
    return;
  }
}

void check_dtype(const Task& task, std::size_t i, std::vector<Diagnostic>& out) {
  if (i >= task.expected_dtypes.size() || !task.expected_dtypes[i]) return;
  const DType expected = *task.expected_dtypes[i];
  const DType actual = task.args[i].view.dtype();
  if (expected == actual) return;
  Diagnostic d = about(task, i, "dtype-mismatch", Severity::Error);
  d.regions = task.args[i].view.buffer_boxes();
  d.message = task.label() + ": arg " + std::to_string(i) + " (" + describe_arg(task, i) + ") is " +
              std::string(name_of(actual)) + ", but the task's kernel expects " + std::string(name_of(expected));
  d.suggestion = "pass a " + std::string(name_of(expected)) + " buffer (insert a cast task before it), or use the " +
                 std::string(name_of(actual)) + " variant of the kernel";
  out.push_back(std::move(d));
}

// Inputs and weights are the caller's memory, bound read-only for the run: the graph may
// run again on the same Bindings, so writing them would change the next run's inputs.
void check_written_input(const Task& task, std::size_t i, std::vector<Diagnostic>& out) {
  const Arg& a = task.args[i];
  const Role role = a.view.buffer().role();
  if (!writes(a.access) || (role != Role::Input && role != Role::Weight)) return;
  Diagnostic d = about(task, i, "write-to-input", Severity::Error);
  d.regions = a.view.buffer_boxes();
  d.message = task.label() + ": arg " + std::to_string(i) + " (" + describe_arg(task, i) + ") writes " +
              std::string(name_of(role)) + " '" + a.view.buffer().name() + "', which a run must leave untouched";
  d.suggestion = "declare '" + a.view.buffer().name() + "' inout if the task updates it in place (a cache), or "
                 "write the result to a staging or output buffer";
  out.push_back(std::move(d));
}

}  // namespace

void check_task_args(const Graph& graph, std::vector<Diagnostic>& out) {
  std::vector<std::size_t> writers;
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (const auto& task : graph.tasks()) {
    for (std::size_t i = 0; i < task.args.size(); ++i) {
      check_bounds(task, i, out);
      check_dtype(task, i, out);
      check_written_input(task, i, out);
    }
    // Only pairs with a written arg can alias harmfully: O(W * A) pairs for W written args,
    // not A^2 (a fan-in task reads 10^4 cells and writes one), checked in (i, k) order.
    writers.clear();
    pairs.clear();
    for (std::size_t i = 0; i < task.args.size(); ++i)
      if (writes(task.args[i].access)) writers.push_back(i);
    for (std::size_t w : writers)
      for (std::size_t k = 0; k < task.args.size(); ++k)
        if (k != w && !(writes(task.args[k].access) && k < w)) pairs.emplace_back(std::min(w, k), std::max(w, k));
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [i, k] : pairs) check_pair(task, i, k, out);
  }
}

}  // namespace tg::lint_detail
