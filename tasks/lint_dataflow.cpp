// Dataflow rules: read-before-write, output-never-written, dead-write, lost-write.
// Every access is replayed in submission order (the order inference orders tasks in) over
// each buffer's disjoint regions, each with its last writer and whether anything read it
// since. Args with infer == false are replayed too: they opt out of edges, not of data.
// Cost: O(accesses * (c + k)) region lookups (tasks/region_index.hpp), plus one walk of
// the live regions at the end.
#include <map>
#include <memory>
#include <tuple>

#include "tasks/lint_rules.hpp"
#include "tasks/region_index.hpp"

namespace tg::lint_detail {

namespace {

using ArgKey = std::pair<TaskId, int>;                      // (task, arg)

bool caller_read_only(const Arg& arg) {
  const Role role = arg.view.buffer().role();
  return (role == Role::Input || role == Role::Weight) && !writes(arg.access);
}
using OverwriteKey = std::tuple<TaskId, int, TaskId, int>;  // first writer, then overwriter

class Replay {
 public:
  explicit Replay(const Graph& graph) : graph_(graph) {
    for (const auto& b : graph.buffers()) {
      auto index = std::make_unique<RegionIndex>(b->shape());
      index->insert(RegionEntry{b->full_box(), RegionState{}});  // as the scope found it
      regions_.push_back(std::move(index));
    }
  }

  void run() {
    for (const auto& task : graph_.tasks()) {
      // A task reads the state before its own writes, as in dependency inference.
      // Reads of inputs and weights can break no rule (write-to-input is lint_args' business),
      // so they are not replayed: a model's weight tiles are most of its reads.
      for (std::size_t i = 0; i < task.args.size(); ++i)
        if (reads(task.args[i].access) && !caller_read_only(task.args[i])) read(task, static_cast<int>(i));
      for (std::size_t i = 0; i < task.args.size(); ++i)
        if (writes(task.args[i].access)) write(task, static_cast<int>(i));
    }
  }

  void report(std::vector<Diagnostic>& out) {
    for (auto& [key, boxes] : unwritten_reads_) report_read_before_write(key, std::move(boxes), out);
    for (auto& [key, boxes] : overwrites_) report_lost_write(key, std::move(boxes), out);
    std::map<ArgKey, std::vector<Box>> dead;
    std::map<std::uint32_t, std::vector<Box>> never_written;
    for (const auto& b : graph_.buffers()) {
      if (b->role() != Role::Staging && b->role() != Role::Output) continue;
      regions_[b->id()]->for_each_intersecting(b->full_box(), [&](RegionState& e, const Box&, const Box& overlap) {
        if (b->role() == Role::Output && !e.has_writer) never_written[b->id()].push_back(overlap);
        if (b->role() == Role::Staging && e.has_writer && e.readers.empty())
          dead[{e.writer, e.writer_arg}].push_back(overlap);
      });
    }
    for (auto& [key, boxes] : dead) report_dead_write(key, std::move(boxes), out);
    for (auto& [buffer, boxes] : never_written) report_never_written(buffer, std::move(boxes), out);
  }

 private:
  void read(const Task& task, int arg) {
    const View& v = task.args[static_cast<std::size_t>(arg)].view;
    // Staging and outputs hold no defined value before a task writes them (on the device
    // neither is zeroed); inputs, weights and InOut caches are the caller's.
    const bool staging = v.buffer().role() == Role::Staging || v.buffer().role() == Role::Output;
    auto& index = *regions_[v.buffer().id()];
    for (const auto& box : v.buffer_boxes()) {
      index.update_intersecting(box, [&](RegionState& e, const Box& live, const Box& overlap,
                                         std::vector<RegionEntry>& replacement) {
        if (staging && !e.has_writer) unwritten_reads_[{task.id, arg}].push_back(overlap);
        if (!e.readers.empty()) return false;  // one reader is all the rules need to know
        if (contains(box, live)) {
          e.readers.push_back({task.id, arg});
          return false;
        }
        RegionEntry inside{overlap, e};
        inside.state.readers.push_back({task.id, arg});
        replacement.push_back(std::move(inside));
        for (auto& piece : subtract(live, overlap)) replacement.push_back(RegionEntry{std::move(piece), e});
        return true;
      });
    }
  }

  void write(const Task& task, int arg) {
    const View& v = task.args[static_cast<std::size_t>(arg)].view;
    auto& index = *regions_[v.buffer().id()];
    for (const auto& box : v.buffer_boxes()) {
      index.update_intersecting(box, [&](RegionState& e, const Box& live, const Box& overlap,
                                         std::vector<RegionEntry>& replacement) {
        // Two writes by one task are multi-inout's business, not a lost write.
        if (e.has_writer && e.readers.empty() && e.writer != task.id)
          overwrites_[{e.writer, e.writer_arg, task.id, arg}].push_back(overlap);
        for (auto& piece : subtract(live, overlap)) replacement.push_back(RegionEntry{std::move(piece), e});
        return true;
      });
      index.insert(box, RegionState{true, task.id, arg, {}});
    }
  }

  Diagnostic about(TaskId task, int arg, const char* rule, Severity severity, std::vector<Box> boxes) const {
    Diagnostic d;
    d.rule = rule;
    d.severity = severity;
    d.task = task;
    d.arg = arg;
    d.buffer = graph_.task(task).args.at(static_cast<std::size_t>(arg)).view.buffer().name();
    d.regions = merge_boxes(std::move(boxes));
    return d;
  }

  std::string arg_text(TaskId task, int arg) const {
    const Task& t = graph_.task(task);
    return t.label() + " arg " + std::to_string(arg) + " (" + describe_arg(t, static_cast<std::size_t>(arg)) + ")";
  }

  void report_read_before_write(const ArgKey& key, std::vector<Box> boxes, std::vector<Diagnostic>& out) const {
    Diagnostic d = about(key.first, key.second, "read-before-write", Severity::Error, std::move(boxes));
    d.message = arg_text(key.first, key.second) + " reads " + describe_region(d.buffer, d.regions) +
                ", which no earlier task writes; " + std::string(name_of(graph_.task(key.first).args.at(static_cast<std::size_t>(key.second)).view.buffer().role())) +
                " buffer '" + d.buffer + "' holds no defined values there";
    d.suggestion = "submit the task that computes " + d.buffer + " before " + graph_.task(key.first).name +
                   " (is a stage missing?), or declare '" + d.buffer + "' an input if the caller provides it";
    out.push_back(std::move(d));
  }

  void report_lost_write(const OverwriteKey& key, std::vector<Box> boxes, std::vector<Diagnostic>& out) const {
    const auto [writer, writer_arg, overwriter, overwriter_arg] = key;
    Diagnostic d = about(writer, writer_arg, "lost-write", Severity::Warning, std::move(boxes));
    d.other_task = overwriter;
    d.other_arg = overwriter_arg;
    d.message = arg_text(writer, writer_arg) + " writes " + describe_region(d.buffer, d.regions) + ", which " +
                arg_text(overwriter, overwriter_arg) + " overwrites before any task reads it";
    d.suggestion = "drop the first write, or submit the task meant to read it between the two; if both compute "
                   "parts of one result, give them disjoint regions";
    out.push_back(std::move(d));
  }

  void report_dead_write(const ArgKey& key, std::vector<Box> boxes, std::vector<Diagnostic>& out) const {
    Diagnostic d = about(key.first, key.second, "dead-write", Severity::Warning, std::move(boxes));
    d.message = arg_text(key.first, key.second) + " writes " + describe_region(d.buffer, d.regions) +
                ", which no later task reads";
    d.suggestion = "drop the write (or the arg) if nothing needs it, or pass the region to the task meant to "
                   "consume it; declare '" + d.buffer + "' an output if the caller reads it";
    out.push_back(std::move(d));
  }

  void report_never_written(std::uint32_t buffer, std::vector<Box> boxes, std::vector<Diagnostic>& out) const {
    const Buffer& b = *graph_.buffers().at(buffer);
    Diagnostic d;
    d.rule = "output-never-written";
    d.severity = Severity::Error;
    d.buffer = b.name();
    d.regions = merge_boxes(std::move(boxes));
    const bool whole = d.regions.size() == 1 && d.regions.front() == b.full_box();
    d.message = whole ? "no task writes output '" + b.name() + "' " + to_string(b.shape())
                      : "output '" + b.name() + "' " + to_string(b.shape()) + ": no task writes " +
                            describe_region(b.name(), d.regions);
    d.suggestion = "submit the task that computes it (is a stage missing, or writing a staging buffer instead?), or "
                   "widen the Out arg of the task meant to write it";
    out.push_back(std::move(d));
  }

  const Graph& graph_;
  std::vector<std::unique_ptr<RegionIndex>> regions_;  // by Buffer::id()
  std::map<ArgKey, std::vector<Box>> unwritten_reads_;
  std::map<OverwriteKey, std::vector<Box>> overwrites_;
};

}  // namespace

void check_dataflow(const Graph& graph, std::vector<Diagnostic>& out) {
  Replay replay(graph);
  replay.run();
  replay.report(out);
}

}  // namespace tg::lint_detail
