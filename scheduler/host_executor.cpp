#include "scheduler/host_executor.hpp"

#include <spdlog/spdlog.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <tbb/task_scheduler_observer.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>

#include "runtime/topology.hpp"
#include "scheduler/staging_pool.hpp"
#include "scheduler/tsan_handoff.hpp"

namespace tg {
namespace {

std::int64_t now_ns(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
}

// Pins each worker entering the arena to a core, round robin.
class PinningObserver : public tbb::task_scheduler_observer {
 public:
  explicit PinningObserver(tbb::task_arena& arena) : tbb::task_scheduler_observer(arena) { observe(true); }
  ~PinningObserver() override { observe(false); }
  void on_scheduler_entry(bool) override { pin_current_thread_to_core(tbb::this_task_arena::current_thread_index()); }
};

}  // namespace

struct HostExecutor::Impl {
  HostExecutorOptions options;
  // More threads than cores (for tests of interleavings) needs a higher process-wide cap.
  std::unique_ptr<tbb::global_control> allow_oversubscription;
  tbb::task_arena arena;
  std::unique_ptr<PinningObserver> observer;
  std::mutex one_run_at_a_time;
  StagingPool staging;

  explicit Impl(HostExecutorOptions o)
      : options(o),
        allow_oversubscription(o.threads > tbb::info::default_concurrency()
                                   ? std::make_unique<tbb::global_control>(
                                         tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(o.threads))
                                   : nullptr),
        arena(o.threads > 0 ? o.threads : tbb::info::default_concurrency()) {
    arena.initialize();
    if (options.pin_threads) observer = std::make_unique<PinningObserver>(arena);
  }
};

HostExecutor::HostExecutor(int threads) : HostExecutor(HostExecutorOptions{threads, false, true}) {}
HostExecutor::HostExecutor(HostExecutorOptions options) : impl_(std::make_unique<Impl>(options)) {}
HostExecutor::~HostExecutor() = default;

int HostExecutor::threads() const { return impl_->arena.max_concurrency(); }

namespace {

// The state of one run; lives on the caller's stack while the arena works.
struct Run {
  const Graph& graph;
  bool record;
  std::byte* const* memory;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  std::unique_ptr<std::atomic<int>[]> preds_left;
  std::unique_ptr<std::atomic<int>[]> blocks_left;
  std::vector<std::int64_t> ready_ns;
  std::vector<std::size_t> row_base;  // first timeline row of each task
  std::vector<TimelineRow> rows;
  tbb::task_group group;
  std::atomic<bool> failed{false};
  TsanHandoff handoff;

  // Every TBB task of the run goes through here.
  template <class Body> void spawn(Body body) {
    handoff.publish();
    group.run([this, body] {
      handoff.observe();
      body();
      handoff.publish();
    });
  }
  std::once_flag first_error;
  std::exception_ptr error;

  Run(const Graph& g, bool rec, std::byte* const* mem) : graph(g), record(rec), memory(mem) {
    const std::size_t n = g.num_tasks();
    preds_left.reset(new std::atomic<int>[n]);
    blocks_left.reset(new std::atomic<int>[n]);
    ready_ns.assign(n, 0);
    std::size_t total = 0;
    row_base.resize(n);
    for (TaskId t = 0; t < n; ++t) {
      preds_left[t].store(static_cast<int>(g.predecessors(t).size()), std::memory_order_relaxed);
      blocks_left[t].store(g.task(t).block_num, std::memory_order_relaxed);
      row_base[t] = total;
      total += static_cast<std::size_t>(g.task(t).block_num);
    }
    if (record) rows.resize(total);
  }

  // Marks t ready and spawns its blocks 1..n-1; the caller runs block 0.
  void release(TaskId t) {
    if (record) ready_ns[t] = now_ns(t0);
    const int blocks = graph.task(t).block_num;
    for (int b = 1; b < blocks; ++b) spawn([this, t, b] { work(t, b); });
  }

  // Runs block `block` of t, then keeps going inline with one newly ready successor
  // (a loop, not recursion: a chain of 10^5 tasks must not grow the stack).
  void work(TaskId t, int block) {
    while (true) {
      run_block(t, block);
      if (blocks_left[t].fetch_sub(1, std::memory_order_acq_rel) != 1) return;
      bool has_next = false;
      TaskId next = 0;
      for (TaskId s : graph.successors(t)) {
        if (preds_left[s].fetch_sub(1, std::memory_order_acq_rel) != 1) continue;
        if (has_next) spawn([this, n = next] { start(n); });
        next = s;
        has_next = true;
      }
      if (!has_next) return;
      release(next);
      t = next;
      block = 0;
    }
  }

  void start(TaskId t) {
    release(t);
    work(t, 0);
  }

  void run_block(TaskId t, int block) {
    const Task& task = graph.task(t);
    const std::int64_t start_ns = record ? now_ns(t0) : 0;
    if (!failed.load(std::memory_order_relaxed) && task.kernel) {
      try {
        task.kernel(TaskContext(task, block, memory));
      } catch (const std::exception& e) {
        std::call_once(first_error, [&] { error = std::make_exception_ptr(KernelError(task.label(), block, e.what())); });
        failed.store(true, std::memory_order_relaxed);
      } catch (...) {
        std::call_once(first_error, [&] {
          error = std::make_exception_ptr(KernelError(task.label(), block, "unknown exception"));
        });
        failed.store(true, std::memory_order_relaxed);
      }
    }
    if (record) {
      TimelineRow& r = rows[row_base[t] + static_cast<std::size_t>(block)];
      r.task = t;
      r.block = block;
      const int idx = tbb::this_task_arena::current_thread_index();
      r.lane = static_cast<std::uint16_t>(idx < 0 ? 0 : idx);
      r.ready_ns = r.dispatch_ns = ready_ns[t];
      r.start_ns = start_ns;
      r.end_ns = r.finish_ns = now_ns(t0);
    }
  }
};

}  // namespace

std::string HostExecutor::name() const { return "host:" + std::to_string(threads()) + " threads"; }

RunResult HostExecutor::run(const Graph& graph, Bindings* memory, const RunOptions& options) {
  if (!memory)
    for (const auto& task : graph.tasks())
      if (task.kernel)
        throw BindingError(ErrorContext{.scope = graph.name(), .task_id = task.id, .task = task.label()},
                           "the task has a kernel, and the run got no Bindings; pass the run's memory: "
                           "run(graph, bindings)");
  std::lock_guard lock(impl_->one_run_at_a_time);
  spdlog::debug("host executor: running '{}' ({} tasks, {} edges) on {} threads", graph.name(), graph.num_tasks(),
                graph.edges().size(), threads());
  RunMemory run_memory(graph, memory, impl_->staging, options);
  Run run(graph, impl_->options.record, run_memory.table());
  impl_->arena.execute([&] {
    run.spawn([&run, &graph] {
      for (TaskId t = 0; t < graph.num_tasks(); ++t)
        if (graph.predecessors(t).empty()) run.spawn([&run, t] { run.start(t); });
    });
    run.group.wait();
  });
  run.handoff.observe();
  if (run.error) {
    spdlog::debug("host executor: run of '{}' failed", graph.name());
    std::rethrow_exception(run.error);
  }
  RunResult result;
  Timeline& tl = result.timeline;
  tl.source = name();
  for (int i = 0; i < threads(); ++i) tl.lanes.push_back(Lane{"thread " + std::to_string(i), LaneKind::Thread, -1});
  tl.rows = std::move(run.rows);
  for (const auto& r : tl.rows) tl.makespan_ns = std::max(tl.makespan_ns, r.end_ns);
  spdlog::debug("host executor: '{}' done in {:.1f} us", graph.name(), static_cast<double>(tl.makespan_ns) / 1e3);
  run_memory.fill_result(graph, result);
  return result;
}

}  // namespace tg
