#include "scheduler/functional_replay.hpp"

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "runtime/error.hpp"
#include "scheduler/run_deadline.hpp"
#include "scheduler/tsan_handoff.hpp"

namespace tg {
namespace {

// The replay's stop: set by its deadline (on the watcher thread), seen by the kernels
// through TaskContext::cancelled() and by the blocks not yet started.
class ReplayStop {
 public:
  explicit ReplayStop(const Graph& graph) : graph_(graph), blocks_running_(new std::atomic<int>[graph.num_tasks()]) {
    for (TaskId t = 0; t < graph.num_tasks(); ++t) blocks_running_[t].store(0, std::memory_order_relaxed);
  }

  const std::atomic<bool>* flag() const { return &cancelled_; }
  bool stopped() const { return cancelled_.load(std::memory_order_seq_cst); }
  std::atomic<int>& running(TaskId t) { return blocks_running_[t]; }

  // Names the tasks running now; the kernels see the flag and are expected to return. The
  // flag comes first and a block stopped running keeps its count (run_block), so every
  // kernel that ran when or after the flag was set is named.
  void stop(const std::string& why) {
    cancelled_.store(true, std::memory_order_seq_cst);
    std::string names;
    std::size_t count = 0;
    std::optional<TaskId> first;
    for (TaskId t = 0; t < graph_.num_tasks(); ++t) {
      if (blocks_running_[t].load(std::memory_order_seq_cst) == 0) continue;
      if (!first) first = t;
      if (++count <= 8) names += (count > 1 ? ", " : "") + graph_.task(t).label();
    }
    if (count > 8) names += " and " + std::to_string(count - 8) + " more";
    {
      std::lock_guard lock(mutex_);
      text_ = "functional replay of '" + graph_.name() + "' stopped: " + why + "; " +
              (count ? "still running: " + names : std::string("no task was running")) +
              "; tasks not started were skipped";
      where_ = ErrorContext{.scope = graph_.name()};
      if (first) {
        where_.task_id = *first;
        where_.task = graph_.task(*first).label();
      }
    }
  }

  // After the deadline's watcher has been joined.
  [[noreturn]] void throw_error() const {
    std::lock_guard lock(mutex_);
    throw RunStoppedError(where_, text_, text_);
  }

 private:
  const Graph& graph_;
  std::unique_ptr<std::atomic<int>[]> blocks_running_;
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mutex_;
  std::string text_;
  ErrorContext where_;
};

void run_block(const Task& task, int block, std::byte* const* memory, ReplayStop& stop) {
  std::atomic<int>& running = stop.running(task.id);
  running.fetch_add(1, std::memory_order_seq_cst);
  if (stop.stopped()) {  // not started: skipped
    running.fetch_sub(1, std::memory_order_seq_cst);
    return;
  }
  struct Done {
    std::atomic<int>& running;
    const ReplayStop& stop;
    ~Done() {
      if (!stop.stopped()) running.fetch_sub(1, std::memory_order_seq_cst);
    }
  } done{running, stop};
  try {
    task.kernel(TaskContext(task, block, memory, stop.flag()));
  } catch (const KernelError&) {
    throw;
  } catch (const std::exception& e) {
    throw KernelError(task.label(), block, e.what());
  } catch (...) {
    throw KernelError(task.label(), block, "unknown exception");
  }
}

// Runs run_one(i) for i in [begin, end) on the calling thread's arena: the range is halved
// into task_group tasks down to one index. Not tbb::parallel_for: its tree nodes are built
// on one thread and counted down on another inside uninstrumented libtbb, which TSan
// reports in TBB's own code (fold_tree); here every hand-over is a handed() callable.
template <class F> void run_range(tbb::task_group& group, std::size_t begin, std::size_t end, const F& run_one) {
  while (end - begin > 1) {
    const std::size_t middle = begin + (end - begin) / 2;
    group.run(handed([&group, middle, end, &run_one] { run_range(group, middle, end, run_one); }));
    end = middle;
  }
  if (begin < end) run_one(begin);
}

}  // namespace

void replay_kernels(const Graph& graph, const Timeline& timeline, std::byte* const* memory, int threads,
                    double timeout_seconds) {
  const std::size_t n = graph.num_tasks();
  std::vector<std::int64_t> first_start(n, std::numeric_limits<std::int64_t>::max());
  for (const auto& r : timeline.rows()) first_start[r.task] = std::min(first_start[r.task], r.start_ns);
  std::vector<TaskId> order(n);
  for (TaskId t = 0; t < n; ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](TaskId a, TaskId b) {
    return first_start[a] != first_start[b] ? first_start[a] < first_start[b] : a < b;
  });

  std::vector<std::int32_t> batch_of(n, -1);
  std::vector<std::pair<TaskId, int>> blocks;  // (task, block) of the current batch
  std::int32_t batch = 0;
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  TsanHandoff handoff;
  ReplayStop stop(graph);
  RunDeadline deadline(timeout_seconds, [&stop](const std::string& why) { stop.stop(why); });
  const auto run_one = handed([&](std::size_t i) {
    handoff.observe();
    run_block(graph.task(blocks[i].first), blocks[i].second, memory, stop);
    handoff.publish();
  });
  auto flush = [&] {
    handoff.publish();
    arena.execute([&] {
      tbb::task_group group;
      // A block's exception cancels the group's other tasks and is rethrown by wait().
      group.run_and_wait([&] { run_range(group, 0, blocks.size(), run_one); });
    });
    handoff.observe();
    blocks.clear();
    ++batch;
    if (stop.stopped()) {
      deadline.finish();
      stop.throw_error();
    }
  };
  for (TaskId t : order) {
    bool producer_in_batch = false;
    for (TaskId p : graph.predecessors(t)) {
      if (batch_of[p] < 0)
        throw Error("functional replay of '" + graph.name() + "': task '" + graph.task(t).label() +
                    "' starts before its producer '" + graph.task(p).label() + "' in the timeline");
      producer_in_batch = producer_in_batch || batch_of[p] == batch;
    }
    if (producer_in_batch) flush();
    batch_of[t] = batch;
    const Task& task = graph.task(t);
    if (task.kernel)
      for (int b = 0; b < task.block_num; ++b) blocks.emplace_back(t, b);
  }
  flush();
}

}  // namespace tg
