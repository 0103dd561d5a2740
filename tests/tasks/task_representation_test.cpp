// The per-task representation (issue 15): a graph holds its tasks without capacity slack,
// and a submit that fails after its task was built leaves no task behind.
#include <gtest/gtest.h>

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

}  // namespace
