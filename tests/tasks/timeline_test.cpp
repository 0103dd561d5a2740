// Timeline storage: compact rows decode to the ns written, a run past 2^32 ns coarsens the
// unit instead of wrapping, and bad times are refused with a clear error.
#include <gtest/gtest.h>

#include "runtime/error.hpp"
#include "tasks/timeline.hpp"

namespace {

using namespace tg;

TEST(Timeline, RowsDecodeToTheNanosecondsWritten) {
  Timeline tl;
  tl.add_row(TimelineRow{3, 1, 7, 2, 10, 20, 30, 40, 50, 60});
  tl.add_span(LaneSpan{3, 1, 9, 25, 30});
  ASSERT_EQ(tl.rows().size(), 1u);
  const TimelineRow r = tl.rows()[0];
  EXPECT_EQ(r.task, 3u);
  EXPECT_EQ(r.block, 1);
  EXPECT_EQ(r.lane, 7);
  EXPECT_EQ(r.subslot, 2);
  EXPECT_EQ(r.submit_ns, 10);
  EXPECT_EQ(r.ready_ns, 20);
  EXPECT_EQ(r.dispatch_ns, 30);
  EXPECT_EQ(r.start_ns, 40);
  EXPECT_EQ(r.end_ns, 50);
  EXPECT_EQ(r.finish_ns, 60);
  const LaneSpan s = tl.scheduler_spans().back();
  EXPECT_EQ(s.begin_ns, 25);
  EXPECT_EQ(s.end_ns, 30);
  EXPECT_EQ(tl.unit_ns(), 1);
  EXPECT_EQ(tl.submit_ns(3), 10);
  EXPECT_EQ(tl.ready_ns(99), 0) << "a task without rows reads 0";
}

TEST(Timeline, ALongRunCoarsensTheUnitInsteadOfWrapping) {
  Timeline tl;
  tl.add_row(TimelineRow{0, 0, 0, 0, 0, 0, 1001, 2001, 3001, 4001});
  const std::int64_t long_ns = std::int64_t{10} << 32;  // ~43 s
  tl.add_row(TimelineRow{1, 0, 0, 0, 0, 0, long_ns - 10, long_ns, long_ns + 8, long_ns + 16});
  EXPECT_GT(tl.unit_ns(), 1);
  EXPECT_EQ(tl.unit_ns() & (tl.unit_ns() - 1), 0) << "a power of two";
  const TimelineRow late = tl.rows()[1];
  EXPECT_LE(late.end_ns, long_ns + 8);
  EXPECT_GT(late.end_ns, long_ns + 8 - tl.unit_ns()) << "rounded down to the unit, not wrapped";
  const TimelineRow early = tl.rows()[0];
  EXPECT_LE(early.start_ns, 2001);
  EXPECT_GT(early.start_ns, 2001 - tl.unit_ns()) << "rows stored before the coarsening were rescaled";
  EXPECT_LE(early.start_ns, early.end_ns);
}

TEST(Timeline, NegativeTimesAreRefusedNamingTheTask) {
  Timeline tl;
  try {
    tl.add_row(TimelineRow{5, 0, 0, 0, 0, 0, -1, 0, 0, 0});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("task 5"), std::string::npos) << e.what();
    EXPECT_EQ(e.context().task_id, 5u);
  }
  EXPECT_THROW(tl.add_span(LaneSpan{1, 0, 0, -5, 0}), Error);
  EXPECT_TRUE(tl.rows().empty());
}

TEST(Timeline, MemoryBytesCountsTheCompactStorage) {
  Timeline tl;
  for (TaskId t = 0; t < 1000; ++t) tl.add_row(TimelineRow{t, 0, 0, 0, 0, 0, 1, 2, 3, 4});
  EXPECT_GE(tl.memory_bytes(), 1000 * (sizeof(PackedRow) + 2 * sizeof(std::uint32_t)));
  EXPECT_LT(tl.memory_bytes(), 1000 * sizeof(TimelineRow)) << "smaller than decoded rows";
}

}  // namespace
