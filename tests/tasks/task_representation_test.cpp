// The per-task representation (issue 15): a graph holds its tasks without capacity slack,
// and a submit that fails after its task was built leaves no task behind.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tasks/scope.hpp"

namespace {

using namespace tg;

TEST(TaskRepresentation, GraphHoldsItsTasksWithoutSlack) {
  Scope s{"chain"};
  for (int i = 0; i < 1500; ++i) {  // past a doubling of the scope's vector (1024 -> 2048)
    auto t = s.vector("t" + std::to_string(i), {});
    if (i > 0) t.after(static_cast<TaskId>(i - 1));
  }
  const Graph g = s.finalize({.lint = Lint::Off});
  ASSERT_EQ(g.num_tasks(), 1500u);
  EXPECT_EQ(g.tasks().capacity(), 1500u);
  for (TaskId i = 0; i < 1500; ++i) {
    EXPECT_EQ(g.task(i).id, i);
    EXPECT_EQ(g.task(i).name, "t" + std::to_string(i));
  }
  EXPECT_EQ(g.edges().size(), 1499u);
}

TEST(TaskRepresentation, FailedSubmitAtAVectorGrowthLeavesNoTask) {
  Scope s{"undo"};
  auto x = s.staging("x", {4}, FP32);
  for (int i = 0; i < 1024; ++i) s.vector("t", {In(x)});
  // Task 1024's tiles (rows of a rank-1 view) throw after the task was built in place (at
  // a vector growth), so the task is taken out again.
  EXPECT_THROW(s.vector("bad", {In(x).tiled(tile::rows(2))}), GraphError);
  EXPECT_EQ(s.num_tasks(), 1024u);
  const TaskId next = s.vector("next", {Out(x)});
  EXPECT_EQ(next, 1024u);
  EXPECT_EQ(s.task(next).name, "next");
}

TEST(TaskRepresentation, CostHintsMustBeFiniteAndNonNegative) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (const CostHint& bad : {CostHint{.flops = nan}, CostHint{.bytes = nan}, CostHint{.flops = -1},
                              CostHint{.bytes = inf}, CostHint{.flops = -inf}}) {
    Scope s{"cost"};
    auto t = s.vector("t", {});
    try {
      t.cost(bad);
      FAIL() << "cost hint flops " << bad.flops << " bytes " << bad.bytes << " was accepted";
    } catch (const GraphError& e) {
      EXPECT_NE(std::string(e.what()).find("must be finite and >= 0"), std::string::npos) << e.what();
      EXPECT_EQ(e.context().task, "t#0");
    }
  }
  Scope s{"cost"};
  EXPECT_NO_THROW(s.vector("t", {}).cost(CostHint{.flops = 1e9, .bytes = 0}));
}

}  // namespace
