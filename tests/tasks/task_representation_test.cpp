// The per-task representation (issue 15): tasks that do not move while a scope grows, a
// graph without capacity slack, an argument's tiles out of line, and the size budgets.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "tasks/chunked_vector.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

TEST(ChunkedVector, ElementsKeepTheirAddressWhileItGrows) {
  ChunkedVector<std::string, 4> v;
  std::string& first = v.emplace_back("first");
  for (int i = 0; i < 37; ++i) v.emplace_back(std::to_string(i));
  EXPECT_EQ(&first, &v[0]);
  EXPECT_EQ(v.size(), 38u);
  EXPECT_EQ(v[5], "4");
  EXPECT_EQ(v.at(37), "36");
  EXPECT_THROW((void)v.at(38), std::out_of_range);
}

TEST(ChunkedVector, PopBackAcrossAChunkBoundaryAndTakeAll) {
  ChunkedVector<std::string, 4> v;
  for (int i = 0; i < 5; ++i) v.emplace_back(std::to_string(i));
  v.pop_back();  // the fifth was alone in the second chunk
  v.emplace_back("again");
  const std::vector<std::string> all = v.take_all();
  EXPECT_EQ(all, (std::vector<std::string>{"0", "1", "2", "3", "again"}));
  EXPECT_EQ(all.capacity(), all.size());
  EXPECT_TRUE(v.empty());
}

TEST(TaskRepresentation, GraphHoldsItsTasksWithoutSlack) {
  Scope s{"chain"};
  for (int i = 0; i < 1500; ++i) {  // past one chunk of 1024 and past a doubling
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

TEST(TaskRepresentation, FailedSubmitInTheFirstTaskOfAChunkLeavesNoTask) {
  Scope s{"undo"};
  auto x = s.staging("x", {4}, FP32);
  for (int i = 0; i < 1024; ++i) s.vector("t", {In(x)});
  // Task 1024 opens the second chunk; its tiles (rows of a rank-1 view) throw after the
  // task was built in place, so the task and the chunk it opened are given back.
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

TEST(TaskRepresentation, TilesOfAnArgumentSurviveCopiesAndSetTheGrid) {
  Scope s{"tiles"};
  auto y = s.output("y", {32, 128}, FP32);
  const Arg tiled = Out(y).tiled(tile::grid(16, 64));
  const Arg copy = tiled;  // copies share the tiles
  EXPECT_FALSE(copy.tile.empty());
  ASSERT_TRUE(copy.tile.spec().rows.has_value());
  EXPECT_EQ(copy.tile.spec().rows->tile, 16);
  EXPECT_TRUE(Out(y).tile.empty());
  EXPECT_FALSE(Out(y).tile.spec().rows.has_value());
  const TaskId t = s.vector("fill", {copy});
  EXPECT_EQ(s.task(t).block_num, 4);
  EXPECT_EQ(s.task(t).grid.extents, (std::vector<std::int64_t>{2, 2}));
}

// Budgets on x86-64 with libstdc++ (the CI's platform): a Task was 360 bytes, an Arg 368
// (a 280-byte View and an inline 80-byte TileSpec).
TEST(TaskRepresentation, SizeBudgets) {
  EXPECT_LE(sizeof(Arg), sizeof(View) + 24);
  EXPECT_LE(sizeof(Arg), 152u);
  EXPECT_LE(sizeof(Task), 336u);
}

}  // namespace
