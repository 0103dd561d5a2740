#include "scheduler/host_executor.hpp"

#include <spdlog/spdlog.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>
#include <tbb/task_scheduler_observer.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "runtime/run_limits.hpp"
#include "runtime/topology.hpp"
#include "scheduler/block_completion.hpp"
#include "scheduler/host_run_state.hpp"
#include "scheduler/run_deadline.hpp"
#include "scheduler/staging_lifetimes.hpp"
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

namespace {
struct Run;

// The block whose kernel this thread is running, for defer_block_completion().
struct BlockInFlight {
  Run* run;
  TaskId task;
  int block;
  std::int64_t start_ns;
  bool deferred = false;
};
thread_local BlockInFlight* block_in_flight = nullptr;
}  // namespace

struct HostExecutor::Impl {
  HostExecutorOptions options;
  // More threads than cores (for tests of interleavings) needs a higher process-wide cap.
  std::unique_ptr<tbb::global_control> allow_oversubscription;
  tbb::task_arena arena;
  std::unique_ptr<PinningObserver> observer;
  std::mutex one_run_at_a_time;
  HostRunState state;  // reused run after run (one run at a time)
  StagingPool staging;
  StagingLifetimes lifetimes;  // which staging buffer is held when, per run
  std::mutex current_mutex;
  Run* current = nullptr;  // the run in progress, for cancel()
  // Threads inside arena.enqueue() of a deferred block's retirement: the retirement can end
  // the run before enqueue() returns, so run() waits for them before the executor (and its
  // arena) can go away.
  std::atomic<int> handing_over{0};

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
namespace {
HostExecutorOptions checked(HostExecutorOptions options) {
  if (options.threads < 0 || options.threads > max_host_threads())
    throw ConfigError(ErrorContext{.option = "threads"},
                      "HostExecutor threads " + std::to_string(options.threads) + " is outside 0.." +
                          std::to_string(max_host_threads()) + " (0 = every hardware thread; at most 8 per hardware thread)");
  return options;
}
}  // namespace

HostExecutor::HostExecutor(HostExecutorOptions options) : impl_(std::make_unique<Impl>(checked(options))) {}
HostExecutor::~HostExecutor() = default;

int HostExecutor::threads() const { return impl_->arena.max_concurrency(); }

namespace {

// One run; lives on the caller's stack while the arena works. Its per-task counters are the
// executor's HostRunState, re-armed here.
struct Run {
  const Graph& graph;
  const Task* const tasks;  // graph.tasks(), unchecked: every id here comes from the graph
  tbb::task_arena& arena;
  std::atomic<int>& handing_over;  // the executor's (Impl::handing_over)
  bool record;
  std::byte* const* memory;
  HostRunState& state;
  StagingLifetimes& lifetimes;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  std::atomic<bool> cancelled{false};
  std::vector<std::int64_t> ready_ns;
  std::vector<std::size_t> row_base;  // first timeline row of each task
  std::vector<TimelineRow> rows;
  tbb::task_group group;
  std::atomic<bool> failed{false};
  TsanHandoff handoff;

  // Every TBB task of the run goes through here.
  template <class Body> void spawn(Body body) {
    handoff.publish();
    group.run(handed([this, body] {
      handoff.observe();
      body();
      handoff.publish();
    }));
  }
  std::once_flag first_error;
  std::exception_ptr error;

  Run(const Graph& g, tbb::task_arena& a, std::atomic<int>& h, bool rec, std::byte* const* mem, HostRunState& s,
      StagingLifetimes& l)
      : graph(g), tasks(g.tasks().data()), arena(a), handing_over(h), record(rec), memory(mem), state(s), lifetimes(l) {
    state.arm(g);
    // record = false costs nothing per task: no timestamps, no rows.
    if (!record) return;
    const std::size_t n = g.num_tasks();
    ready_ns.assign(n, 0);
    std::size_t total = 0;
    row_base.resize(n);
    for (TaskId t = 0; t < n; ++t) {
      row_base[t] = total;
      total += static_cast<std::size_t>(g.task(t).block_num);
    }
    rows.resize(total);
  }

  static constexpr TaskId kRoots = static_cast<TaskId>(-1);

  // Releases the tasks of `tasks` that the retirement of `from` makes ready (all of them
  // for kRoots), in parallel: the range is halved into spawned tasks down to a grain, and
  // a leaf starts its ready tasks one after the other (batching: one TBB task per grain,
  // not per released task). With a 10^5-wide fan-out both workers release, instead of one
  // thread spawning 10^5 tasks.
  void release_range(std::span<const TaskId> tasks, std::size_t grain, TaskId from) {
    while (tasks.size() > grain) {
      const std::size_t half = tasks.size() / 2;
      spawn([this, rest = tasks.subspan(half), grain, from] { release_range(rest, grain, from); });
      tasks = tasks.first(half);
    }
    for (TaskId s : tasks)
      if (from == kRoots || state.ready_after(s, from)) start(s);
  }
  std::size_t grain_for(std::size_t count) const {
    // Enough leaves to keep every worker busy several times over; at most 64 per leaf.
    const std::size_t leaves = static_cast<std::size_t>(arena.max_concurrency()) * 16;
    return std::clamp<std::size_t>(count / leaves, 1, 64);
  }

  // Marks t ready, takes its staging buffers not held yet and spawns its blocks 1..n-1;
  // the caller runs block 0.
  void release(TaskId t) {
    if (record) ready_ns[t] = now_ns(t0);
    if (std::exception_ptr error = lifetimes.acquire(t)) record_failure(error);  // its kernel is skipped
    const int blocks = state.blocks(t);
    if (blocks <= 1) return;
    state.blocks_left(t).store(blocks, std::memory_order_relaxed);  // the spawns publish it
    for (int b = 1; b < blocks; ++b) spawn([this, t, b] { work(t, b); });
  }

  // Runs block `block` of t, then keeps going inline with one newly ready successor
  // (a loop, not recursion: a chain of 10^5 tasks must not grow the stack).
  void work(TaskId t, int block) {
    while (true) {
      const std::span<const TaskId> successors = graph.successors(t);
      prefetch(successors);
      if (!run_block(t, block)) return;  // deferred: its completion retires it
      const std::optional<TaskId> next = retire_block(t, successors);
      if (!next) return;
      release(*next);
      t = *next;
      block = 0;
    }
  }

  // One block of t retired. When it was the last, spawns t's newly ready successors but
  // one, which it returns for the caller to run inline; more than kWideFanOut successors
  // are released in parallel by release_range() instead, and none is returned.
  std::optional<TaskId> retire_block(TaskId t) { return retire_block(t, graph.successors(t)); }
  std::optional<TaskId> retire_block(TaskId t, std::span<const TaskId> successors) {
    if (state.blocks(t) > 1 && state.blocks_left(t).fetch_sub(1, std::memory_order_acq_rel) != 1)
      return std::nullopt;
    lifetimes.retire(t);
    if (successors.size() > kWideFanOut) {
      spawn([this, successors, t] { release_range(successors, grain_for(successors.size()), t); });
      return std::nullopt;
    }
    std::optional<TaskId> next;
    for (TaskId s : successors) {
      if (!state.ready_after(s, t)) continue;
      if (next) spawn([this, n = *next] { start(n); });
      next = s;
    }
    return next;
  }
  static constexpr std::size_t kWideFanOut = 64;

  // While t runs, the first successors' Task and counters are fetched into the cache: an
  // empty task is otherwise a chain of cache misses (a Task is 360 bytes, 10^5 of them do
  // not fit in the cache), each paid after the last one, in release() and retire_block().
  void prefetch(std::span<const TaskId> successors) const {
    for (std::size_t i = 0; i < std::min<std::size_t>(successors.size(), kPrefetched); ++i) {
      const auto* kernel = reinterpret_cast<const char*>(&tasks[successors[i]].kernel);
      __builtin_prefetch(kernel);
      __builtin_prefetch(kernel + sizeof(Kernel) - 1);  // it may straddle two lines
      state.prefetch(successors[i]);
    }
  }
  static constexpr std::size_t kPrefetched = 2;

  // A deferred block was signalled: it retires on a worker thread, as if its kernel had
  // just returned there.
  void retire_deferred(TaskId t) {
    handoff.observe();
    if (const std::optional<TaskId> next = retire_block(t)) start(*next);
    handoff.publish();
  }

  void record_error(const Task& task, int block, const std::string& what) {
    record_failure(std::make_exception_ptr(KernelError(task.label(), block, what)));
  }
  void record_failure(std::exception_ptr e) {
    std::call_once(first_error, [&] { error = std::move(e); });
    failed.store(true, std::memory_order_relaxed);
    tell_deferred_blocks();
  }

  // Deferred blocks still waiting for their signal, and what they asked to do on a stop.
  std::mutex deferred_mutex;
  std::map<const void*, std::function<void()>> stop_handlers;
  bool stopped = false;

  // The run stops: the owners of deferred blocks give their work up (once per run).
  void tell_deferred_blocks() {
    std::vector<std::function<void()>> handlers;
    {
      std::lock_guard lock(deferred_mutex);
      if (stopped) return;
      stopped = true;
      for (auto& [block, handler] : stop_handlers) handlers.push_back(std::move(handler));
      stop_handlers.clear();
    }
    for (auto& handler : handlers)
      if (handler) handler();
  }

  static std::uint16_t this_lane() {
    const int idx = tbb::this_task_arena::current_thread_index();
    return static_cast<std::uint16_t>(idx < 0 ? 0 : idx);
  }

  // The lane is only looked up when the row is recorded (a TBB call per block otherwise).
  void record_block(TaskId t, int block, std::int64_t start_ns) {
    if (record) record_block(t, block, start_ns, this_lane());
  }
  void record_block(TaskId t, int block, std::int64_t start_ns, std::uint16_t lane) {
    if (!record) return;
    TimelineRow& r = rows[row_base[t] + static_cast<std::size_t>(block)];
    r.task = t;
    r.block = block;
    r.lane = lane;
    r.ready_ns = r.dispatch_ns = ready_ns[t];
    r.start_ns = start_ns;
    r.end_ns = r.finish_ns = now_ns(t0);
  }

  void start(TaskId t) {
    release(t);
    work(t, 0);
  }

  // False when the kernel deferred the block's completion (it has not retired yet).
  bool run_block(TaskId t, int block) {
    const Task& task = tasks[t];
    const std::int64_t start_ns = record ? now_ns(t0) : 0;
    BlockInFlight in_flight{this, t, block, start_ns};
    if (!failed.load(std::memory_order_relaxed) && task.kernel) {
      // A task of one block is the only writer of its counter but for a deferred
      // completion, which adds and takes its own 1: plain stores then, atomics for SPMD.
      std::atomic<int>& running = state.blocks_running(t);
      const bool spmd = state.blocks(t) > 1;
      if (spmd) running.fetch_add(1, std::memory_order_relaxed);
      else running.store(1, std::memory_order_relaxed);
      struct Done {
        std::atomic<int>& running;
        bool atomically;
        const bool& deferred;
        ~Done() {
          if (atomically || deferred) running.fetch_sub(1, std::memory_order_relaxed);
          else running.store(0, std::memory_order_relaxed);
        }
      } done{running, spmd, in_flight.deferred};
      struct InFlight {
        BlockInFlight* previous;
        explicit InFlight(BlockInFlight& now) : previous(block_in_flight) { block_in_flight = &now; }
        ~InFlight() { block_in_flight = previous; }
      } in_flight_guard{in_flight};
      try {
        task.kernel(TaskContext(task, block, memory, &cancelled));
      } catch (const std::exception& e) {
        record_error(task, block, e.what());
      } catch (...) {
        record_error(task, block, "unknown exception");
      }
    }
    if (in_flight.deferred) return false;
    record_block(t, block, start_ns);
    return true;
  }
  // Stops the run: the error names the tasks running now (a kernel error that came first
  // wins). Tasks not started are skipped, as after a kernel error.
  void stop(const std::string& why) {
    std::string running;
    std::size_t named = 0, count = 0;
    std::optional<TaskId> first;
    for (TaskId t = 0; t < graph.num_tasks(); ++t) {
      if (state.blocks_running(t).load(std::memory_order_relaxed) == 0) continue;
      if (!first) first = t;
      if (++count > 8) continue;
      running += (named++ ? ", " : "") + graph.task(t).label();
    }
    if (count > named) running += " and " + std::to_string(count - named) + " more";
    const std::string text = "run of '" + graph.name() + "' stopped: " + why + "; " +
                             (count ? "still running: " + running : std::string("no task was running")) +
                             "; tasks not started were skipped";
    ErrorContext where{.scope = graph.name()};
    if (first) {
      where.task_id = *first;
      where.task = graph.task(*first).label();
    }
    std::call_once(first_error, [&] { error = std::make_exception_ptr(RunStoppedError(where, text, text)); });
    failed.store(true, std::memory_order_relaxed);
    cancelled.store(true, std::memory_order_relaxed);
    tell_deferred_blocks();
  }
};

// A block whose kernel deferred its completion. It holds a deferred TBB task of the run's
// group, so the run's wait() lasts until the block is signalled; the signal hands the
// block's retirement to a worker thread (the signalling thread may be anyone's).
class DeferredBlock final : public BlockCompletion {
 public:
  explicit DeferredBlock(BlockInFlight& b)
      : run_(*b.run), task_(b.task), block_(b.block), start_ns_(b.start_ns), lane_(Run::this_lane()),
        retire_(run_.group.defer(handed([run = &run_, t = task_] { run->retire_deferred(t); }))) {
    run_.state.blocks_running(task_).fetch_add(1, std::memory_order_relaxed);
  }
  // Never silent: a completion dropped unsignalled fails its task instead of leaving the
  // successors waiting forever (or the run ending with tasks that never ran).
  ~DeferredBlock() override {
    const std::string dropped = "its deferred completion was dropped without being signalled";
    signal(&dropped);
  }
  DeferredBlock(const DeferredBlock&) = delete;
  DeferredBlock& operator=(const DeferredBlock&) = delete;

  void succeed() override { signal(nullptr); }
  void fail(const std::string& what) override { signal(&what); }
  void on_run_stopped(std::function<void()> handler) override {
    {
      std::lock_guard lock(run_.deferred_mutex);
      if (!run_.stopped) {
        if (!signalled_.load(std::memory_order_acquire)) run_.stop_handlers[this] = std::move(handler);
        return;
      }
    }
    if (!signalled_.load(std::memory_order_acquire)) handler();
  }

 private:
  void signal(const std::string* what) {
    if (signalled_.exchange(true, std::memory_order_acq_rel)) return;
    {
      std::lock_guard lock(run_.deferred_mutex);
      run_.stop_handlers.erase(this);
    }
    if (what) run_.record_error(run_.graph.task(task_), block_, *what);
    run_.record_block(task_, block_, start_ns_, lane_);
    run_.state.blocks_running(task_).fetch_sub(1, std::memory_order_relaxed);
    // Nothing of the Run is read after the hand-over: the run may end as soon as the
    // retirement is enqueued, even before enqueue() returns. The executor outlives the call:
    // its run() waits for `handing_over` to drop back.
    tbb::task_arena& arena = run_.arena;
    std::atomic<int>& handing_over = run_.handing_over;
    handing_over.fetch_add(1, std::memory_order_seq_cst);
    run_.handoff.publish();
    arena.enqueue(std::move(retire_));
    handing_over.fetch_sub(1, std::memory_order_release);
  }

  Run& run_;
  TaskId task_;
  int block_;
  std::int64_t start_ns_;
  std::uint16_t lane_;
  tbb::task_handle retire_;
  std::atomic<bool> signalled_{false};
};

}  // namespace

std::shared_ptr<BlockCompletion> defer_block_completion() {
  BlockInFlight* b = block_in_flight;
  if (!b) return nullptr;
  if (b->deferred) throw Error("defer_block_completion() called twice by one block of task '" +
                               b->run->graph.task(b->task).label() + "'");
  auto completion = std::make_shared<DeferredBlock>(*b);
  b->deferred = true;
  return completion;
}

void HostExecutor::cancel() {
  std::lock_guard lock(impl_->current_mutex);
  if (impl_->current) impl_->current->stop("HostExecutor::cancel() was called");
}

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
  RunMemory run_memory(graph, memory, impl_->staging, options, RunMemory::Staging::AtUse);
  StagingLifetimes& lifetimes = impl_->lifetimes;
  std::uint64_t peak_staging_bytes = 0;
  if (run_memory.staging_provided())
    for (const auto& b : graph.buffers()) peak_staging_bytes += b->role() == Role::Staging ? b->bytes() : 0;
  else
    lifetimes.begin(graph, run_memory.table(), impl_->staging, options.staging_fill);
  // The pool is settled however the run ends.
  struct EndLifetimes {
    // A constructor, not aggregate init: clang 14 (the fuzz build) lacks C++20's
    // parenthesized aggregate initialization that std::in_place needs.
    EndLifetimes(StagingLifetimes& l, std::uint64_t& p) : lifetimes(l), peak(p) {}
    EndLifetimes(const EndLifetimes&) = delete;
    EndLifetimes& operator=(const EndLifetimes&) = delete;
    StagingLifetimes& lifetimes;
    std::uint64_t& peak;
    ~EndLifetimes() {
      if (lifetimes.active()) peak = lifetimes.end();
    }
  };
  std::optional<EndLifetimes> end_lifetimes{std::in_place, lifetimes, peak_staging_bytes};
  Run run(graph, impl_->arena, impl_->handing_over, impl_->options.record, run_memory.table(), impl_->state, lifetimes);
  {
    std::lock_guard current(impl_->current_mutex);
    impl_->current = &run;
  }
  RunDeadline deadline(options.timeout_seconds, [&run](const std::string& why) { run.stop(why); });
  impl_->arena.execute([&] {
    run.spawn([&run] {
      const std::vector<TaskId>& roots = run.state.roots();
      run.release_range(roots, run.grain_for(roots.size()), Run::kRoots);
    });
    run.group.wait();
  });
  while (impl_->handing_over.load(std::memory_order_acquire) != 0) std::this_thread::yield();
  deadline.finish();
  {
    std::lock_guard current(impl_->current_mutex);
    impl_->current = nullptr;
  }
  run.handoff.observe();
  end_lifetimes.reset();
  if (run.error) {
    spdlog::debug("host executor: run of '{}' failed", graph.name());
    std::rethrow_exception(run.error);
  }
  RunResult result;
  Timeline& tl = result.timeline;
  tl.source = name();
  for (int i = 0; i < threads(); ++i) tl.lanes.push_back(Lane{"thread " + std::to_string(i), LaneKind::Thread, -1});
  for (const auto& r : run.rows) {
    tl.add_row(r);
    tl.makespan_ns = std::max(tl.makespan_ns, r.end_ns);
  }
  spdlog::debug("host executor: '{}' done in {:.1f} us", graph.name(), static_cast<double>(tl.makespan_ns) / 1e3);
  run_memory.fill_result(graph, result);
  result.peak_staging_bytes = peak_staging_bytes;
  return result;
}

}  // namespace tg
