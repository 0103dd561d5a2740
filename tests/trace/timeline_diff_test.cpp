// Two timelines of one graph, task by task (trace/timeline_diff.hpp): a timeline against
// itself is zero; a copy with some tasks shifted names exactly those tasks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>
#include <set>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "trace/timeline_diff.hpp"
#include "trace_test_graphs.hpp"

namespace tg {
namespace {

// A copy of `tl` whose rows of the tasks in `shifted` start and end `by_ns` later.
Timeline shifted_copy(const Timeline& tl, const std::set<TaskId>& shifted, std::int64_t by_ns) {
  Timeline out;
  out.source = tl.source + " (shifted)";
  out.lanes = tl.lanes;
  out.makespan_ns = tl.makespan_ns + by_ns;
  for (TimelineRow r : tl.rows()) {
    if (shifted.count(r.task)) {
      r.start_ns += by_ns;
      r.end_ns += by_ns;
      r.finish_ns += by_ns;
    }
    out.add_row(r);
  }
  for (const LaneSpan s : tl.scheduler_spans()) out.add_span(s);
  return out;
}

TEST(TimelineDiff, AgainstItselfIsZero) {
  std::mt19937 rng(7);
  const Graph g = test::random_graph(rng, 30);
  const SimResult r = SimExecutor(load_machine("a2a3")).simulate(g);
  const TimelineDiff d = diff_timelines(g, r.timeline, g, r.timeline);
  EXPECT_EQ(d.makespan_error_ns(), 0);
  EXPECT_EQ(d.makespan_error_pct(), 0.0);
  EXPECT_EQ(d.tasks.size(), g.num_tasks());
  EXPECT_TRUE(d.largest_errors(100).empty());
  for (const GroupDiff& k : d.kernels) EXPECT_EQ(k.abs_error_ns, 0) << k.name;
  for (const GroupDiff& k : d.resources) EXPECT_EQ(k.abs_error_ns, 0) << k.name;
  EXPECT_EQ(d.measured_gaps.switch_ns, d.simulated_gaps.switch_ns);
  EXPECT_NE(format_diff(d).find("no task differs"), std::string::npos);
  const auto j = nlohmann::json::parse(diff_to_json(d));
  EXPECT_EQ(j["makespan"]["error_ns"], 0);
  EXPECT_TRUE(j["largest_errors"].empty());
}

TEST(TimelineDiff, AShiftedCopyNamesTheShiftedTasks) {
  const Graph g = test::mixed_kind_graph();
  const SimResult r = SimExecutor(load_machine("a2a3")).simulate(g);
  const std::set<TaskId> shifted{1, 3};  // proj, side
  const Timeline moved = shifted_copy(r.timeline, shifted, 5000);
  const TimelineDiff d = diff_timelines(g, r.timeline, g, moved);
  EXPECT_EQ(d.makespan_error_ns(), 5000);
  const auto worst = d.largest_errors(10);
  ASSERT_EQ(worst.size(), shifted.size());
  for (const TaskDiff* t : worst) {
    EXPECT_TRUE(shifted.count(t->task)) << t->label;
    EXPECT_EQ(t->start_error_ns(), 5000) << t->label;
    EXPECT_EQ(t->duration_error_ns(), 0) << t->label;
  }
  const std::string text = format_diff(d);
  EXPECT_NE(text.find(g.task(1).label()), std::string::npos) << text;
  EXPECT_NE(text.find(g.task(3).label()), std::string::npos) << text;
  EXPECT_EQ(text.find(g.task(0).label() + " "), std::string::npos) << text;
}

TEST(TimelineDiff, LongerDurationIsChargedToItsKernelAndResource) {
  const Graph g = test::mixed_kind_graph();
  const SimResult r = SimExecutor(load_machine("a2a3")).simulate(g);
  Timeline longer;
  longer.source = "longer";
  longer.lanes = r.timeline.lanes;
  for (TimelineRow row : r.timeline.rows()) {
    if (row.task == 1) row.end_ns += 700;  // proj, the one cube task
    longer.add_row(row);
  }
  const TimelineDiff d = diff_timelines(g, r.timeline, g, longer);
  ASSERT_FALSE(d.resources.empty());
  EXPECT_EQ(d.resources.front().name, "AIC");
  EXPECT_EQ(d.resources.front().abs_error_ns, 700);
  EXPECT_EQ(d.kernels.front().name, "proj");
  EXPECT_EQ(d.largest_errors(1).front()->duration_error_ns(), 700);
}

TEST(TimelineDiff, DifferentGraphsAreRefused) {
  std::mt19937 rng(3);
  const Graph a = test::random_graph(rng, 10), b = test::mixed_kind_graph();
  const SimResult ra = SimExecutor(load_machine("a2a3")).simulate(a), rb = SimExecutor(load_machine("a2a3")).simulate(b);
  EXPECT_THROW((void)diff_timelines(a, ra.timeline, b, rb.timeline), ConfigError);
}

}  // namespace
}  // namespace tg
