// Counter tracks against values worked out by hand from a small timeline.
#include "trace/counters.hpp"

#include <gtest/gtest.h>

#include "tasks/scope.hpp"

namespace {

using namespace tg;

using Points = std::vector<std::pair<std::int64_t, std::int64_t>>;

Points points_of(const CounterSeries& s) {
  Points p;
  for (const auto& x : s.points) p.push_back({x.ts_ns, x.value});
  return p;
}

TEST(TraceCounters, ReadyAndIdleMatchAHandWorkedTimeline) {
  Scope s{"counters"};
  s.cube("a", {});
  s.cube("b", {});
  s.cube("c", {});
  s.vector("d", {}).blocks(2);
  const Graph g = s.finalize();
  Timeline tl;
  tl.lanes = {{"g0.AIC", LaneKind::Aic, 0}, {"g1.AIC", LaneKind::Aic, 1}, {"g0.AIV0", LaneKind::Aiv, 0},
              {"sched 0", LaneKind::Scheduler, -1}};
  //            task blk lane sub submit ready dispatch start end finish
  tl.add_rows({{0, 0, 0, 0, 0, 0, 0, 10, 100, 100},
             {1, 0, 1, 0, 0, 0, 5, 20, 60, 60},
             {2, 0, 1, 0, 0, 0, 60, 70, 150, 150},
             {3, 0, 2, 0, 0, 50, 50, 55, 80, 80},
             {3, 1, 2, 0, 0, 50, 80, 85, 120, 120}});
  tl.makespan_ns = 150;
  const auto series = trace_counters(g, tl);
  ASSERT_EQ(series.size(), 4u);  // no series for the scheduler lane, none for MIX / host tasks
  EXPECT_EQ(series[0].name, "ready undispatched AIC");
  EXPECT_EQ(series[0].unit, "tasks");
  // a dispatched at once; b waits 0..5; c waits 0..60.
  EXPECT_EQ(points_of(series[0]), (Points{{0, 2}, {5, 1}, {60, 0}}));
  EXPECT_EQ(series[1].name, "ready undispatched AIV");
  // d is ready at 50; its second block goes out at 80.
  EXPECT_EQ(points_of(series[1]), (Points{{0, 0}, {50, 1}, {80, 0}}));
  EXPECT_EQ(series[2].name, "idle AIC");
  EXPECT_EQ(series[2].unit, "cores");
  EXPECT_EQ(points_of(series[2]), (Points{{0, 2}, {10, 1}, {20, 0}, {60, 1}, {70, 0}, {100, 1}, {150, 2}}));
  EXPECT_EQ(series[3].name, "idle AIV");
  EXPECT_EQ(points_of(series[3]), (Points{{0, 1}, {55, 0}, {80, 1}, {85, 0}, {120, 1}}));
}

TEST(TraceCounters, TouchingAndOverlappingRowsOfALaneCountAsOneBusyStretch) {
  Scope s{"touching"};
  for (int i = 0; i < 3; ++i) s.vector("t", {});
  const Graph g = s.finalize();
  Timeline tl;
  tl.lanes = {{"thread 0", LaneKind::Thread, -1}, {"thread 1", LaneKind::Thread, -1}};
  tl.add_rows({{0, 0, 0, 0, 0, 0, 0, 0, 10, 10}, {1, 0, 0, 0, 0, 0, 0, 10, 20, 20}, {2, 0, 0, 0, 0, 0, 0, 15, 30, 30}});
  tl.makespan_ns = 30;
  const auto series = trace_counters(g, tl);
  ASSERT_EQ(series.size(), 1u);  // host rows have ready == dispatch: nothing waits
  EXPECT_EQ(series[0].name, "idle host");
  EXPECT_EQ(series[0].unit, "threads");
  EXPECT_EQ(points_of(series[0]), (Points{{0, 1}, {30, 2}}));
}

}  // namespace
