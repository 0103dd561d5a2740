// Each communication task on every rank (run under mpirun -np 2 and -np 4).
#include "distributed/collectives.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "distributed/distributed_executor.hpp"
#include "distributed/fixed_order_sum.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/rank_error.hpp"
#include "runtime/bf16.hpp"
#include "tasks/bindings.hpp"

namespace {

using namespace tg;

Comm world() { return MpiSession::current().world(); }

// Differs per rank and element; odd ranks add 1e8-sized terms, so a sum in another order
// than rank order gives other bits.
float value_of(int rank, std::int64_t i) { return (rank % 2 ? 1e8f : 1.0f) * static_cast<float>(i % 7 + 1) + 0.37f * rank; }

// The fixed order the docs promise: ((v0 + v1) + v2) + ... in fp32.
float rank_order_sum(int ranks, std::int64_t i) {
  float acc = value_of(0, i);
  for (int r = 1; r < ranks; ++r) acc += value_of(r, i);
  return acc;
}

TEST(Collectives, AllReduceSumsInRankOrderAndEveryRankGetsTheSameBits) {
  const Comm comm = world();
  const int n = comm.size(), me = comm.rank();
  constexpr std::int64_t kCount = 1003;  // not a multiple of the ranks: uneven parts
  Scope s{"all_reduce"};
  auto part = s.input("part", {kCount}, FP32);
  auto total = s.output("total", {kCount}, FP32);
  all_reduce(s, comm, part, total);
  auto g = s.finalize();
  Tensor input("part", FP32, {kCount});
  for (std::int64_t i = 0; i < kCount; ++i) input.data_as<float>()[i] = value_of(me, i);
  Bindings memory = g.bind({{"part", input}});
  DistributedExecutor ex(comm, {.threads = 2});
  for (int run = 0; run < 3; ++run) {  // a graph runs again with the same answer
    const RunResult result = ex.run(g, memory);
    const Tensor& out = result.output("total");
    for (std::int64_t i = 0; i < kCount; ++i) ASSERT_EQ(out.data_as<float>()[i], rank_order_sum(n, i)) << "element " << i;
  }
}

TEST(Collectives, AllReduceInPlaceOfBf16AccumulatesInFp32AndRoundsOnce) {
  const Comm comm = world();
  const int n = comm.size();
  Scope s{"all_reduce_bf16"};
  auto x = s.inout("x", {4, 8}, BF16);
  all_reduce(s, comm, x);
  auto g = s.finalize();
  Tensor t("x", BF16, {4, 8});
  // 256 + 0.5 per rank: bf16 sums that round at every step would lose the halves.
  for (int i = 0; i < 32; ++i) t.data_as<bf16>()[i] = bf16(i == 0 ? 256.0f : 0.5f);
  Bindings memory = g.bind({{"x", t}});
  DistributedExecutor ex(comm);
  ex.run(g, memory);
  EXPECT_EQ(t.data_as<bf16>()[0], bf16(256.0f * static_cast<float>(n)));
  EXPECT_EQ(t.data_as<bf16>()[1], bf16(0.5f * static_cast<float>(n)));
}

TEST(Collectives, AllGatherReduceScatterBroadcastAllToAll) {
  const Comm comm = world();
  const int n = comm.size(), me = comm.rank();
  constexpr std::int64_t kRows = 3, kCols = 4;
  Scope s{"moves"};
  auto shard = s.input("shard", {kRows, kCols}, INT32);
  auto gathered = s.output("gathered", {kRows * n, kCols}, INT32);
  auto scattered = s.output("scattered", {kRows, kCols}, INT32);
  auto root_value = s.inout("root_value", {5}, INT32);
  auto exchanged = s.output("exchanged", {n * 2}, INT32);
  auto to_send = s.input("to_send", {n * 2}, INT32);
  all_gather(s, comm, shard, gathered);
  reduce_scatter(s, comm, gathered, scattered);  // reads what the all-gather wrote (RAW)
  broadcast(s, comm, root_value, n - 1);
  all_to_all(s, comm, to_send, exchanged);
  auto g = s.finalize();
  const auto preds = g.predecessors(1);
  ASSERT_TRUE(std::find(preds.begin(), preds.end(), 0u) != preds.end()) << "the reduce-scatter must wait for the all-gather";

  Tensor shard_t("shard", INT32, {kRows, kCols}), root_t("root_value", INT32, {5}), send_t("to_send", INT32, {n * 2});
  for (int i = 0; i < kRows * kCols; ++i) shard_t.data_as<std::int32_t>()[i] = 100 * me + i;
  for (int i = 0; i < 5; ++i) root_t.data_as<std::int32_t>()[i] = me == n - 1 ? 7 * i : -1;
  for (int i = 0; i < n * 2; ++i) send_t.data_as<std::int32_t>()[i] = 1000 * me + i;
  Bindings memory = g.bind({{"shard", shard_t}, {"root_value", root_t}, {"to_send", send_t}});
  DistributedExecutor ex(comm, {.threads = 2});
  auto result = ex.run(g, memory);

  const auto* all = result.output("gathered").data_as<std::int32_t>();
  for (int r = 0; r < n; ++r)
    for (int i = 0; i < kRows * kCols; ++i) ASSERT_EQ(all[r * kRows * kCols + i], 100 * r + i);
  // Part `me` of the gathered rows, summed over the ranks (each holds the same gathered).
  const auto* mine = result.output("scattered").data_as<std::int32_t>();
  for (int i = 0; i < kRows * kCols; ++i) EXPECT_EQ(mine[i], n * (100 * me + i));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(root_t.data_as<std::int32_t>()[i], 7 * i);
  const auto* got = result.output("exchanged").data_as<std::int32_t>();
  for (int r = 0; r < n; ++r)
    for (int j = 0; j < 2; ++j) EXPECT_EQ(got[r * 2 + j], 1000 * r + me * 2 + j) << "from rank " << r;
}

TEST(Collectives, SendRecvAroundARing) {
  const Comm comm = world();
  const int n = comm.size(), me = comm.rank();
  Scope s{"ring"};
  auto mine = s.input("mine", {16}, FP32);
  auto from_left = s.output("from_left", {16}, FP32);
  send(s, comm, mine, (me + 1) % n, 5);
  recv(s, comm, from_left, (me + n - 1) % n, 5);
  auto g = s.finalize();
  Tensor t("mine", FP32, {16});
  for (int i = 0; i < 16; ++i) t.data_as<float>()[i] = static_cast<float>(me * 16 + i);
  Bindings memory = g.bind({{"mine", t}});
  DistributedExecutor ex(comm);
  const RunResult result = ex.run(g, memory);
  const Tensor& got = result.output("from_left");
  const int left = (me + n - 1) % n;
  for (int i = 0; i < 16; ++i) EXPECT_EQ(got.data_as<float>()[i], static_cast<float>(left * 16 + i));
}

TEST(Collectives, IndependentCollectivesReadyInDifferentOrdersOnDifferentRanksStillMatch) {
  // On even ranks the producer of a is slow, on odd ranks the producer of b: the executor
  // makes the two all-reduces ready in opposite orders, and the progress thread still
  // posts them in submission order (else MPI would pair a with b and corrupt both).
  const Comm comm = world();
  const int n = comm.size(), me = comm.rank();
  Scope s{"orders"};
  auto a = s.staging("a", {64}, FP32);
  auto b = s.staging("b", {32}, FP32);
  auto sum_a = s.output("sum_a", {64}, FP32);
  auto sum_b = s.output("sum_b", {32}, FP32);
  auto fill = [me](bool slow, float v) {
    return [slow, v, me](const TaskContext& c) {
      if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(30));
      View out = c.view(0);
      for (std::int64_t i = 0; i < out.numel(); ++i) out.data<float>()[i] = v + static_cast<float>(me);
    };
  };
  s.host("make_a", {Out(a)}, fill(me % 2 == 0, 1.0f));
  s.host("make_b", {Out(b)}, fill(me % 2 == 1, 2.0f));
  all_reduce(s, comm, a, sum_a, "sum_a");
  all_reduce(s, comm, b, sum_b, "sum_b");
  auto g = s.finalize();
  Bindings memory(g);
  DistributedExecutor ex(comm, {.threads = 2});
  auto result = ex.run(g, memory);
  const float ranks_sum = static_cast<float>(n * (n - 1) / 2);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(result.output("sum_a").data_as<float>()[i], static_cast<float>(n) + ranks_sum);
  for (int i = 0; i < 32; ++i) ASSERT_EQ(result.output("sum_b").data_as<float>()[i], 2.0f * static_cast<float>(n) + ranks_sum);
}

TEST(Collectives, SplitCommsReduceWithinTheirGroup) {
  const Comm comm = world();
  const int me = comm.rank();
  const Comm pair = comm.split(me / 2);
  EXPECT_EQ(pair.rank(), me % 2);
  Scope s{"split"};
  auto x = s.inout("x", {3}, INT32);
  all_reduce(s, pair, x);
  auto g = s.finalize();
  Tensor t("x", INT32, {3});
  for (int i = 0; i < 3; ++i) t.data_as<std::int32_t>()[i] = me;
  Bindings memory = g.bind({{"x", t}});
  DistributedExecutor ex(comm);
  ex.run(g, memory);
  int expected = 0;
  for (int r = (me / 2) * 2; r < std::min((me / 2) * 2 + 2, comm.size()); ++r) expected += r;
  EXPECT_EQ(t.data_as<std::int32_t>()[0], expected);
}

TEST(Collectives, MismatchedCountsAreCaughtBeforeMpiNamingBothRanksTasks) {
  const Comm comm = world();
  const int me = comm.rank();
  Scope s{"mismatch"};
  auto pad = s.staging("pad", {1}, FP32);
  s.host("pad", {Out(pad)}, [](const TaskContext&) {});  // task ids differ across ranks
  if (me == 1) s.host("pad2", {InOut(pad)}, [](const TaskContext&) {});
  auto x = s.inout("x", {me == 1 ? 8 : 16}, FP32);
  all_reduce(s, comm, x, "grad_sum");
  auto g = s.finalize();
  Bindings memory(g);
  memory.bind("x", Tensor("x", FP32, {me == 1 ? 8 : 16}));
  DistributedExecutor ex(comm);
  try {
    ex.run(g, memory);
    FAIL() << "no error";
  } catch (const CollectiveMismatchError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank 0 task 'grad_sum#1' is all_reduce 16->16 fp32"), std::string::npos) << what;
    EXPECT_NE(what.find("rank 1 task 'grad_sum#2' is all_reduce 8->8 fp32"), std::string::npos) << what;
    EXPECT_NE(what.find("nothing was posted"), std::string::npos) << what;
  }
  // Nothing was posted, so the ranks go on: the next graph runs.
  Scope ok{"after_mismatch"};
  auto y = ok.inout("y", {2}, FP32);
  all_reduce(ok, comm, y);
  auto g2 = ok.finalize();
  Tensor yt("y", FP32, {2});
  yt.data_as<float>()[0] = 1;
  Bindings m2 = g2.bind({{"y", yt}});
  ex.run(g2, m2);
  EXPECT_EQ(yt.data_as<float>()[0], static_cast<float>(comm.size()));
}

TEST(Collectives, MismatchedDtypeIsCaughtToo) {
  const Comm comm = world();
  Scope s{"dtype_mismatch"};
  auto x = s.inout("x", {4}, comm.rank() == 0 ? FP32 : INT32);
  broadcast(s, comm, x, 0, "bcast");
  auto g = s.finalize();
  Bindings memory(g);
  memory.bind("x", Tensor("x", comm.rank() == 0 ? FP32 : INT32, {4}));
  DistributedExecutor ex(comm);
  try {
    ex.run(g, memory);
    FAIL() << "no error";
  } catch (const CollectiveMismatchError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank 0 task 'bcast#0' is broadcast 4->4 fp32 root 0"), std::string::npos) << what;
    EXPECT_NE(what.find("task 'bcast#0' is broadcast 4->4 int32 root 0"), std::string::npos) << what;
  }
}

TEST(Collectives, BadArgumentsAreErrorsNamingTheTaskAtSubmit) {
  const Comm comm = world();
  const int n = comm.size();
  Scope s{"bad"};
  auto m = s.staging("m", {4, 8}, FP32);
  auto v = s.staging("v", {8}, FP32);
  auto wrong = s.staging("wrong", {8 * n + 1}, FP32);
  auto i8 = s.staging("i8", {8}, INT8);
  auto ints = s.staging("ints", {8}, INT32);
  auto expect_error = [](auto&& submit, const std::string& part) {
    try {
      submit();
      FAIL() << "no error, expected: " << part;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
      EXPECT_FALSE(e.context().task.empty()) << e.what();
    }
  };
  expect_error([&] { all_reduce(s, comm, m.cols(0, 4), "strided"); }, "contiguous");
  expect_error([&] { all_gather(s, comm, v, wrong); }, "out needs in x ranks elements");
  expect_error([&] { all_reduce(s, comm, i8, "int8_sum"); }, "sums fp32, bf16 or int32");
  expect_error([&] { all_reduce(s, comm, v, ints); }, "differs from arg 0's fp32");
  expect_error([&] { broadcast(s, comm, v, n); }, "is not a rank of world");
  expect_error([&] { send(s, comm, v, 0, 40000); }, "outside 0..32767");
  expect_error([&] { all_reduce(s, Comm(), v); }, "no communicator");
  EXPECT_EQ(s.num_tasks(), 0u);
}

TEST(Collectives, ACommTaskOnAPlainHostExecutorIsAnErrorNotAHang) {
  const Comm comm = world();
  Scope s{"plain"};
  auto x = s.inout("x", {4}, FP32);
  all_reduce(s, comm, x, "needs_ranks");
  auto g = s.finalize();
  Bindings memory(g);
  memory.bind("x", Tensor("x", FP32, {4}));
  HostExecutor plain(1);
  try {
    plain.run(g, memory);
    FAIL() << "no error";
  } catch (const KernelError& e) {
    EXPECT_NE(std::string(e.what()).find("ran outside tg::DistributedExecutor"), std::string::npos) << e.what();
  }
}

}  // namespace
