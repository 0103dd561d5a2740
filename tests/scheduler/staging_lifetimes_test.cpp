// Host staging held from its first user's start to its last user's end, and the peak the
// run reports: computed by hand on small scopes.
#include "scheduler/staging_lifetimes.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "scheduler/host_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

void fill_all(const View& v, std::int32_t value) {
  for (std::int64_t i = 0; i < v.sizes()[0]; ++i) v.at<std::int32_t>({i}) = value;
}

// a (1 KiB) -> b (2 KiB) -> c (4 KiB) -> y, one after the other. Held: a; a + b; then a is
// given back when its last reader (t1) ends, so t2 holds b + c = 6 KiB, the peak; the
// whole-run layout held a + b + c = 7 KiB.
Graph chain_of_three(std::atomic<int>& wrong) {
  Scope s{"staging_chain"};
  auto a = s.staging("a", {256}, INT32);
  auto b = s.staging("b", {512}, INT32);
  auto c = s.staging("c", {1024}, INT32);
  auto y = s.output("y", {1}, INT32);
  s.vector("write_a", {Out(a)}, [](const TaskContext& ctx) { fill_all(ctx.view(0), 1); });
  s.vector("a_to_b", {In(a), Out(b)}, [&](const TaskContext& ctx) {
    if (ctx.view(0).at<std::int32_t>({255}) != 1) ++wrong;
    fill_all(ctx.view(1), 2);
  });
  s.vector("b_to_c", {In(b), Out(c)}, [&](const TaskContext& ctx) {
    if (ctx.view(0).at<std::int32_t>({511}) != 2) ++wrong;
    fill_all(ctx.view(1), 3);
  });
  s.vector("c_to_y", {In(c), Out(y)}, [&](const TaskContext& ctx) {
    std::int32_t sum = 0;
    for (std::int64_t i = 0; i < 1024; ++i) sum += ctx.view(0).at<std::int32_t>({i});
    ctx.view(1).at<std::int32_t>({0}) = sum;
  });
  return s.finalize();
}

TEST(StagingLifetimes, ChainHoldsABufferUntilItsLastReaderEnds) {
  std::atomic<int> wrong{0};
  const Graph g = chain_of_three(wrong);
  HostExecutor ex(2);
  Bindings memory(g);
  for (int run = 0; run < 3; ++run) {  // the first run sizes the pool; the others reuse it
    const RunResult r = ex.run(g, memory);
    EXPECT_EQ(r.peak_staging_bytes, 2048u + 4096u) << "run " << run;
    EXPECT_EQ(r.output("y").data_as<std::int32_t>()[0], 3 * 1024);
  }
  EXPECT_EQ(wrong.load(), 0);
  // Kept staging tensors are held for the whole run: all three at once.
  const RunResult kept = ex.run(g, memory, RunOptions{.keep_staging = true});
  EXPECT_EQ(kept.peak_staging_bytes, 1024u + 2048u + 4096u);
  EXPECT_EQ(kept.staging("c").data_as<std::int32_t>()[1023], 3);
}

// A buffer whose memory was another's earlier in the run still starts every run as the
// fill says (here: read before any write, with lint off on purpose).
TEST(StagingLifetimes, ReusedMemoryIsRefilledForTheNextBuffer) {
  Scope s{"staging_reuse"};
  auto a = s.staging("a", {256}, INT32);
  auto late = s.staging("late", {256}, INT32);
  auto y = s.output("y", {2}, INT32);
  s.vector("write_a", {Out(a)}, [](const TaskContext& ctx) { fill_all(ctx.view(0), 0x12345678); });
  s.vector("read_a", {In(a), Out(y.slice({0}, {1}))}, [](const TaskContext& ctx) {
    ctx.view(1).at<std::int32_t>({0}) = ctx.view(0).at<std::int32_t>({0});
  });
  s.vector("read_late", {In(late), Out(y.slice({1}, {1}))}, [](const TaskContext& ctx) {
    std::int32_t nonzero = 0;
    for (std::int64_t i = 0; i < 256; ++i) nonzero += ctx.view(0).at<std::int32_t>({i}) != 0;
    ctx.view(1).at<std::int32_t>({0}) = nonzero;
  }).after(1);
  const Graph g = s.finalize({.lint = Lint::Off});
  HostExecutor ex(2);
  Bindings memory(g);
  for (int run = 0; run < 3; ++run) {
    const RunResult r = ex.run(g, memory);
    EXPECT_EQ(r.output("y").data_as<std::int32_t>()[0], 0x12345678);
    EXPECT_EQ(r.output("y").data_as<std::int32_t>()[1], 0) << "run " << run << ": 'late' did not start zeroed";
    EXPECT_EQ(r.peak_staging_bytes, 1024u) << "'late' is taken after 'a' was given back";
  }
}

// 200 tasks write disjoint tiles of one staging buffer at the same time (several first
// users), one task sums it: the buffer is taken once, filled once, and held by all.
TEST(StagingLifetimes, ConcurrentFirstUsersShareOneTakenBuffer) {
  constexpr int kTiles = 200, kTile = 16;
  Scope s{"staging_tiles"};
  auto acc = s.staging("acc", {kTiles * kTile}, INT32);
  auto y = s.output("y", {1}, INT32);
  for (int i = 0; i < kTiles; ++i)
    s.vector("tile", {Out(acc.slice({i * kTile}, {kTile}))}, [](const TaskContext& ctx) { fill_all(ctx.view(0), 1); });
  s.vector("sum", {In(acc), Out(y)}, [](const TaskContext& ctx) {
    std::int32_t sum = 0;
    for (std::int64_t i = 0; i < kTiles * kTile; ++i) sum += ctx.view(0).at<std::int32_t>({i});
    ctx.view(1).at<std::int32_t>({0}) = sum;
  });
  const Graph g = s.finalize();
  HostExecutor ex(2);
  Bindings memory(g);
  for (int run = 0; run < 20; ++run) {
    const RunResult r = ex.run(g, memory);
    ASSERT_EQ(r.output("y").data_as<std::int32_t>()[0], kTiles * kTile) << "run " << run;
    EXPECT_EQ(r.peak_staging_bytes, static_cast<std::uint64_t>(kTiles * kTile * 4));
  }
}

// A kernel error stops the run; the buffers still held are given back, and the next run
// of the same executor starts with the whole pool.
TEST(StagingLifetimes, AFailedRunGivesItsStagingBack) {
  Scope s{"staging_fail"};
  auto a = s.staging("a", {256}, INT32);
  auto y = s.output("y", {1}, INT32);
  s.vector("write_a", {Out(a)}, [](const TaskContext&) { throw std::runtime_error("no"); });
  s.vector("read_a", {In(a), Out(y)}, [](const TaskContext& ctx) { ctx.view(1).at<std::int32_t>({0}) = 5; });
  const Graph bad = s.finalize();
  std::atomic<int> wrong{0};
  const Graph good = chain_of_three(wrong);
  HostExecutor ex(2);
  Bindings bad_memory(bad), good_memory(good);
  EXPECT_THROW(ex.run(bad, bad_memory), KernelError);
  const RunResult r = ex.run(good, good_memory);
  EXPECT_EQ(r.peak_staging_bytes, 2048u + 4096u);
  EXPECT_EQ(r.output("y").data_as<std::int32_t>()[0], 3 * 1024);
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
