#include "scheduler/host_executor.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "cancelled_run.hpp"
#include "runtime/run_limits.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

TEST(HostExecutor, ThreadCountsOutsideTheCapAreConfigErrorsNamingTheOption) {
  for (int threads : {-1, -5, tg::max_host_threads() + 1, 1000000}) {
    try {
      tg::HostExecutor executor(threads);
      FAIL() << "threads " << threads << " was accepted";
    } catch (const tg::ConfigError& e) {
      EXPECT_EQ(e.context().option, "threads");
      EXPECT_NE(std::string(e.what()).find(std::to_string(threads)), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(tg::HostExecutor{tg::max_host_threads()});  // braces: clang reads (x) as a declaration
}

TEST(HostExecutor, SpmdBlocksAllRunAndTimelineHasOneRowPerBlock) {
  Scope s{"spmd"};
  auto x = s.output("x", {32}, INT32);
  s.vector("fill", {Out(x)}, [](const TaskContext& c) { c.view(0).at<std::int32_t>({c.block_idx()}) = c.block_idx() + 1; })
      .blocks(32);
  s.vector("check", {InOut(x)}, [](const TaskContext& c) {
    for (int i = 0; i < 32; ++i)
      if (c.view(0).at<std::int32_t>({i}) != i + 1) throw std::runtime_error("block did not run");
  });
  auto g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  auto tl = ex.run(g, memory).timeline;
  EXPECT_EQ(tl.rows().size(), 33u);
  for (const auto& r : tl.rows()) {
    EXPECT_LE(r.start_ns, r.end_ns);
    EXPECT_LE(r.end_ns, tl.makespan_ns);
  }
  // The consumer starts after every block of the producer ended.
  std::int64_t last_fill_end = 0;
  for (const auto& r : tl.rows())
    if (r.task == 0) last_fill_end = std::max(last_fill_end, r.end_ns);
  EXPECT_GE(tl.rows().back().start_ns, last_fill_end);
}

TEST(HostExecutor, KernelExceptionNamesTaskAndBlockAndExecutorStaysUsable) {
  Scope s{"failing"};
  auto x = s.staging("x", {4}, INT32);
  std::atomic<int> after_ran{0};
  s.vector("boom", {Out(x)}, [](const TaskContext& c) {
     if (c.block_idx() == 2) throw std::runtime_error("bad tile");
     c.view(0).at<std::int32_t>({c.block_idx()}) = 1;
   }).blocks(4);
  s.vector("after", {In(x)}, [&](const TaskContext&) { after_ran++; });
  auto g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      ex.run(g, memory);
      FAIL() << "expected KernelError";
    } catch (const KernelError& e) {
      EXPECT_EQ(e.task_name(), "boom#0");
      EXPECT_EQ(e.block_idx(), 2);
      EXPECT_NE(std::string(e.what()).find("bad tile"), std::string::npos);
    }
  }
  EXPECT_EQ(after_ran.load(), 0);  // the run stopped before the consumer
  // Still usable for a good graph.
  Scope ok{"ok"};
  auto y = ok.output("y", {1}, INT32);
  ok.vector("set", {Out(y)}, [](const TaskContext& c) { c.view(0).at<std::int32_t>({0}) = 42; });
  auto g2 = ok.finalize();
  Bindings memory2(g2);
  EXPECT_EQ(ex.run(g2, memory2).output("y").data_as<std::int32_t>()[0], 42);
}

TEST(HostExecutor, LongChainDoesNotOverflowTheStackAndReplays) {
  Scope s{"chain"};
  auto x = s.inout("x", {1}, INT32);  // a counter the caller owns, updated in place
  for (int i = 0; i < 100000; ++i)
    s.vector("inc", {InOut(x)}, [](const TaskContext& c) { c.view(0).at<std::int32_t>({0}) += 1; });
  auto g = s.finalize();
  HostExecutor ex(HostExecutorOptions{2, false, false});
  Tensor counter("x", INT32, {1});
  Bindings memory = g.bind({{"x", counter}});
  ex.run(g, memory);
  ex.run(g, memory);  // build once, replay
  EXPECT_EQ(counter.data_as<std::int32_t>()[0], 200000);
}

// One task with 10^5 successors, all of them predecessors of one sink, and 300 roots: the
// wide release runs in parallel leaves, and still every task runs once, after its
// predecessors (each successor sees the root done; the sink sees every successor done).
TEST(HostExecutor, WideFanOutAndFanInRunEveryTaskOnceInOrder) {
  constexpr int kWide = 100000, kRoots = 300;
  std::atomic<int> root_done{0}, middle_done{0}, out_of_order{0}, roots_ran{0};
  int sink_saw = -1;
  Scope s{"wide"};
  auto root = s.vector("root", {}, [&](const TaskContext&) { root_done.store(1); });
  for (int i = 0; i < kWide; ++i)
    s.vector("middle", {}, [&](const TaskContext&) {
       if (!root_done.load()) ++out_of_order;
       ++middle_done;
     }).after(root);
  auto sink = s.vector("sink", {}, [&](const TaskContext&) { sink_saw = middle_done.load(); });
  for (TaskId t = 1; t <= kWide; ++t) sink.after(t);
  for (int i = 0; i < kRoots; ++i) s.vector("other_root", {}, [&](const TaskContext&) { ++roots_ran; });
  auto g = s.finalize({.lint = Lint::Off});
  HostExecutor ex(HostExecutorOptions{2, false, false});
  Bindings memory(g);
  ex.run(g, memory);
  EXPECT_EQ(out_of_order.load(), 0);
  EXPECT_EQ(middle_done.load(), kWide);
  EXPECT_EQ(sink_saw, kWide);
  EXPECT_EQ(roots_ran.load(), kRoots);
}

// A fan-in wider than the countdown tree's threshold whose predecessors are not consecutive
// ids (every other task): arrivals find their position by binary search, and the sink
// still runs once, after every one of them.
TEST(HostExecutor, WideFanInOfScatteredPredecessorsWaitsForEveryOne) {
  constexpr int kTasks = 1000;
  std::atomic<int> even_done{0};
  int sink_saw = -1;
  Scope s{"scattered"};
  for (int i = 0; i < kTasks; ++i)
    s.vector(i % 2 ? "odd" : "even", {}, [&, i](const TaskContext&) {
      if (i % 2 == 0) ++even_done;
    });
  auto sink = s.vector("sink", {}, [&](const TaskContext&) { sink_saw = even_done.load(); });
  for (TaskId t = 0; t < kTasks; t += 2) sink.after(t);
  auto g = s.finalize({.lint = Lint::Off});
  HostExecutor ex(HostExecutorOptions{2, false, false});
  Bindings memory(g);
  for (int run = 0; run < 3; ++run) {  // the run state is re-armed each time
    even_done = 0;
    sink_saw = -1;
    ex.run(g, memory);
    EXPECT_EQ(sink_saw, kTasks / 2) << "run " << run;
  }
}

// A kernel that spins until the run is stopped: the deadline stops the run, names the task
// still running and skips the tasks not started; the executor stays usable.
TEST(HostExecutor, DeadlineStopsARunWithAHungKernelAndNamesIt) {
  Scope s{"hung"};
  auto x = s.staging("x", {1}, INT32);
  std::atomic<int> after_ran{0};
  s.vector("spin", {Out(x)}, [](const TaskContext& c) {
    while (!c.cancelled()) std::this_thread::yield();
  });
  s.vector("after", {In(x)}, [&](const TaskContext&) { after_ran++; });
  auto g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  try {
    ex.run(g, memory, RunOptions{.timeout_seconds = 0.05});
    FAIL() << "expected RunStoppedError";
  } catch (const RunStoppedError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("deadline of 0.05 s passed"), std::string::npos) << what;
    EXPECT_NE(what.find("still running: spin#0"), std::string::npos) << what;
    EXPECT_EQ(e.context().task, "spin#0");
  }
  EXPECT_EQ(after_ran.load(), 0) << "a task not started when the run stopped is skipped";

  // The same executor runs a graph that finishes well before its deadline.
  Scope quick{"quick"};
  auto y = quick.output("y", {1}, INT32);
  quick.vector("set", {Out(y)}, [](const TaskContext& c) { c.view(0).at<std::int32_t>({0}) = 7; });
  auto q = quick.finalize();
  Bindings qm(q);
  ex.run(q, qm, RunOptions{.timeout_seconds = 600});
  EXPECT_EQ(qm.tensor("y").data_as<std::int32_t>()[0], 7);
}

TEST(HostExecutor, CancelStopsTheRunInProgress) {
  Scope s{"cancelled"};
  auto x = s.staging("x", {2}, INT32);
  std::atomic<int> spinning{0};
  s.vector("spin", {Out(x)}, [&](const TaskContext& c) {
     spinning++;
     while (!c.cancelled()) std::this_thread::yield();
   }).blocks(2);
  s.vector("after", {In(x)}, [](const TaskContext&) { throw std::runtime_error("must not run"); });
  auto g = s.finalize();
  HostExecutor ex(2);
  ex.cancel();  // no run in progress: nothing happens
  Bindings memory(g);
  const std::string what = test::cancelled_run_error(ex, g, memory, [&] { return spinning.load() != 0; });
  EXPECT_NE(what.find("cancel() was called"), std::string::npos) << what;
  EXPECT_NE(what.find("spin#0"), std::string::npos) << what;
  EXPECT_EQ(what.find("after#"), std::string::npos) << what;
}

}  // namespace
