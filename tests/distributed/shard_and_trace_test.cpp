// Sharded tensors put back together on rank 0, and every rank's trace in one file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "distributed/collectives.hpp"
#include "distributed/distributed_executor.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/rank_trace.hpp"
#include "distributed/shard.hpp"
#include "tasks/bindings.hpp"

namespace {

using namespace tg;

TEST(Shards, ShardAlongGivesTheFirstRanksTheRemainder) {
  const ShardSpec a = shard_along("w", FP32, {10, 4}, 0, 1, 4);  // rows 3, 3, 2, 2
  EXPECT_EQ(a.slice.offsets[0], 3);
  EXPECT_EQ(a.slice.sizes[0], 3);
  EXPECT_EQ(a.local_shape(), (Shape{3, 4}));
  const ShardSpec b = shard_along("w", FP32, {10, 4}, 0, 3, 4);
  EXPECT_EQ(b.slice.offsets[0], 8);
  EXPECT_EQ(b.slice.sizes[0], 2);
  EXPECT_EQ(to_json(b), R"({"dtype":"fp32","global_shape":[10,4],"name":"w","offsets":[8,0],"sizes":[2,4]})");
  EXPECT_THROW(shard_along("w", FP32, {10, 4}, 2, 0, 4), ShapeError);
  EXPECT_THROW(shard_along("w", FP32, {10, 4}, 0, 4, 4), ShapeError);
}

TEST(Shards, GatherPutsEveryRanksColumnsInPlaceOnRankZero) {
  const Comm comm = MpiSession::current().world();
  const int n = comm.size(), me = comm.rank();
  const ShardSpec spec = shard_along("kv", INT32, {3, 2 * n + 1}, 1, me, n);
  Tensor local("kv", INT32, spec.local_shape());
  for (std::int64_t r = 0; r < 3; ++r)
    for (std::int64_t c = 0; c < spec.slice.sizes[1]; ++c)
      local.data_as<std::int32_t>()[r * spec.slice.sizes[1] + c] = static_cast<std::int32_t>(r * 100 + spec.slice.offsets[1] + c);
  const Tensor global = gather_shards(comm, spec, local);
  if (me != 0) {
    EXPECT_FALSE(global.defined());
    return;
  }
  ASSERT_EQ(global.shape(), (Shape{3, 2 * n + 1}));
  for (std::int64_t r = 0; r < 3; ++r)
    for (std::int64_t c = 0; c < 2 * n + 1; ++c) EXPECT_EQ(global.data_as<std::int32_t>()[r * (2 * n + 1) + c], r * 100 + c);
}

TEST(Shards, ALocalTensorOfTheWrongShapeIsAnErrorOnEveryRank) {
  const Comm comm = MpiSession::current().world();
  const ShardSpec spec = shard_along("x", FP32, {4 * comm.size()}, 0, comm.rank(), comm.size());
  EXPECT_THROW(gather_shards(comm, spec, Tensor("x", FP32, {5})), ShapeError);
}

TEST(RankTraces, RankZeroWritesOnePerfettoProcessAndOneHtmlLaneGroupPerRank) {
  const Comm comm = MpiSession::current().world();
  const int n = comm.size(), me = comm.rank();
  Scope s{"traced"};
  auto a = s.staging("a", {64}, FP32);
  auto b = s.output("b", {64}, FP32);
  // Each block writes its own element: the two blocks run at once (TSan saw them race on
  // one element when both wrote a[0]).
  s.host("fill", {Out(a)}, [](const TaskContext& c) { c.data<float>(0)[c.block_idx()] = 1; }).blocks(2);
  all_reduce(s, comm, a, b, "sum");
  auto g = s.finalize();
  Bindings memory(g);
  DistributedExecutor ex(comm, {.threads = 2});
  const RunResult result = ex.run(g, memory);
  const auto ranks = gather_timelines(comm, g, result.timeline);
  if (me != 0) {
    EXPECT_TRUE(ranks.empty());
    return;
  }
  ASSERT_EQ(ranks.size(), static_cast<std::size_t>(n));
  for (int r = 0; r < n; ++r) {
    EXPECT_EQ(ranks[static_cast<std::size_t>(r)].rank, r);
    EXPECT_EQ(ranks[static_cast<std::size_t>(r)].timeline.rows().size(), 3u);  // 2 fill blocks + the all-reduce
    EXPECT_EQ(ranks[static_cast<std::size_t>(r)].task_labels.at(1), "sum#1");
  }
  const nlohmann::json trace = nlohmann::json::parse(ranks_perfetto_string(ranks));
  std::set<int> pids_with_slices;
  int process_names = 0;
  for (const auto& e : trace.at("traceEvents")) {
    if (e.at("ph") == "X") pids_with_slices.insert(e.at("pid").get<int>());
    if (e.at("ph") == "M" && e.at("name") == "process_name") ++process_names;
  }
  EXPECT_EQ(process_names, n);
  EXPECT_EQ(pids_with_slices.size(), static_cast<std::size_t>(n));

  const auto path = std::filesystem::temp_directory_path() / ("tg_ranks_" + std::to_string(::getpid()) + ".html");
  write_ranks_html(ranks, path.string());
  std::ifstream in(path);
  std::stringstream html;
  html << in.rdbuf();
  std::filesystem::remove(path);
  for (int r = 0; r < n; ++r) {
    EXPECT_NE(html.str().find("rank " + std::to_string(r) + " / thread 0"), std::string::npos) << "rank " << r << "'s lanes";
    EXPECT_NE(html.str().find("r" + std::to_string(r) + ":sum#1"), std::string::npos) << "rank " << r << "'s tasks";
  }
}

}  // namespace
