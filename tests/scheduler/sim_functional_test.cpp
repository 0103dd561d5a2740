// Functional + timing mode: the modelled run also executes the kernels on the host, so
// outputs are real. The golden is a plain loop.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "runtime/error.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

TEST(SimFunctional, OutputsMatchAPlainLoop) {
  constexpr std::int64_t kRows = 8, kCols = 64, kTile = 16;
  Scope s{"functional"};
  auto x = s.input("x", {kRows, kCols}, FP32);
  auto scaled = s.staging("scaled", {kRows, kCols}, FP32);
  auto y = s.output("y", {kRows, kCols}, FP32);
  s.vector("scale", {In(x), Out(scaled)}, [](const TaskContext& c) {
     const auto r = c.block_idx();
     for (std::int64_t j = 0; j < kCols; ++j) c.view(1).at<float>({r, j}) = 3.0f * c.view(0).at<float>({r, j});
   }).blocks(kRows).cost(CostHint{1e4, 1e3, 0, false});
  for (std::int64_t c0 = 0; c0 < kCols; c0 += kTile)
    s.cube("add_one", {In(scaled.cols(c0, kTile)), Out(y.cols(c0, kTile))}, [](const TaskContext& c) {
       for (std::int64_t i = 0; i < c.view(1).size(0); ++i)
         for (std::int64_t j = 0; j < c.view(1).size(1); ++j) c.view(1).at<float>({i, j}) = c.view(0).at<float>({i, j}) + 1;
     }).cost(CostHint{1e5, 1e4, 0, false});
  auto g = s.finalize();
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-1, 1);
  Tensor xt("x", FP32, {kRows, kCols});
  float* xp = xt.data_as<float>();
  for (std::int64_t i = 0; i < kRows * kCols; ++i) xp[i] = dist(rng);

  SimOptions o;
  o.strategy = "critical-path";
  Bindings memory = g.bind({{"x", xt}});
  const auto r = SimExecutor{load_machine("a2a3"), o}.simulate(g, memory);  // functional: Bindings given
  EXPECT_GT(r.timeline.makespan_ns, 0);
  const float* yp = r.output("y").data_as<float>();
  for (std::int64_t i = 0; i < kRows * kCols; ++i) ASSERT_EQ(yp[i], 3.0f * xp[i] + 1.0f) << i;
}

TEST(SimFunctional, KernelFailureNamesTaskAndBlock) {
  Scope s{"fails"};
  auto x = s.input("x", {4, 4}, FP32);
  auto y = s.output("y", {4, 4}, FP32);
  s.vector("boom", {In(x), Out(y)}, [](const TaskContext& c) {
     if (c.block_idx() == 2) throw std::runtime_error("bad tile");
     c.view(1).rows(c.block_idx(), 1).at<float>({0, 0}) = c.view(0).at<float>({c.block_idx(), 0});
   }).blocks(4);
  auto g = s.finalize();
  Tensor xt("x", FP32, {4, 4});
  Bindings memory = g.bind({{"x", xt}});
  try {
    SimExecutor{load_machine("a2a3")}.simulate(g, memory);
    FAIL();
  } catch (const KernelError& e) {
    EXPECT_EQ(e.task_name(), "boom#0");
    EXPECT_EQ(e.block_idx(), 2);
  }
}

// A hung kernel must not hang a functional simulation: the run's deadline (the host
// executor's mechanism) stops the replay, skips what has not started and names what ran.
TEST(SimFunctional, DeadlineStopsAKernelThatWaitsUntilCancelled) {
  std::atomic<int> successors_run{0};
  std::atomic<int> hung_blocks_returned{0};
  Scope s{"hangs"};
  auto x = s.input("x", {2, 4}, FP32);
  auto y = s.output("y", {2, 4}, FP32);
  auto z = s.output("z", {2, 4}, FP32);
  s.vector("hang", {In(x), Out(y)}, [&](const TaskContext& c) {
     while (!c.cancelled()) std::this_thread::yield();
     hung_blocks_returned.fetch_add(1);
   }).blocks(2);
  s.vector("after", {In(y), Out(z)}, [&](const TaskContext&) { successors_run.fetch_add(1); });
  auto g = s.finalize();
  Tensor xt("x", FP32, {2, 4});
  Bindings memory = g.bind({{"x", xt}});
  SimOptions o;
  o.functional_threads = 2;
  try {
    SimExecutor{load_machine("a2a3"), o}.simulate(g, memory, RunOptions{.timeout_seconds = 0.5});
    FAIL() << "no error";
  } catch (const RunStoppedError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("functional replay of 'hangs' stopped: its deadline of 0.5 s passed"), std::string::npos) << what;
    // Whether a block had started by then depends on the machine's load; every one that ran is named.
    if (hung_blocks_returned.load() > 0) {
      EXPECT_NE(what.find("still running: hang#0"), std::string::npos) << what;
      EXPECT_EQ(e.context().task, "hang#0");
    }
  }
  EXPECT_EQ(successors_run.load(), 0);
  EXPECT_LE(hung_blocks_returned.load(), 2);
}

TEST(SimFunctional, AGenerousDeadlineChangesNothing) {
  Scope s{"quick"};
  auto x = s.input("x", {4}, INT32);
  auto y = s.output("y", {4}, INT32);
  s.vector("inc", {In(x), Out(y)}, [](const TaskContext& c) {
    for (int i = 0; i < 4; ++i) c.data<std::int32_t>(1)[i] = c.data<std::int32_t>(0)[i] + 1;
  });
  auto g = s.finalize();
  Tensor xt("x", INT32, {4});
  for (int i = 0; i < 4; ++i) xt.data_as<std::int32_t>()[i] = 10 * i;
  Bindings memory = g.bind({{"x", xt}});
  const auto r = SimExecutor{load_machine("a2a3")}.simulate(g, memory, RunOptions{.timeout_seconds = 600});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r.output("y").data_as<std::int32_t>()[i], 10 * i + 1);
}

}  // namespace
