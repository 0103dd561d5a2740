// The tensor-parallel rank builders without MPI: every single-rank tensor has a placement
// that the rank graph's tensor fits, bad rank counts are clear errors, and on one rank (where
// the collectives are copies) the TP graph gives the single-rank run's bits. Runs on 2 and 4
// MPI ranks are tests/distributed (tp_run_check.cmake).
#include <gtest/gtest.h>

#include <cctype>

#include "kernels/cast.hpp"
#include "models/common/registry.hpp"
#include "models/common/tp_models.hpp"
#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"

namespace tg::models {
namespace {

// On one rank an all-gather and an all-reduce are copies of their input.
class OneRankCollectives final : public TpCollectives {
 public:
  TaskRef all_gather(Scope& scope, const View& in, const View& out, std::string name) override { return copy(scope, in, out, name); }
  TaskRef all_reduce(Scope& scope, const View& in, const View& out, std::string name) override { return copy(scope, in, out, name); }
  int calls = 0;

 private:
  TaskRef copy(Scope& scope, const View& in, const View& out, const std::string& name) {
    ++calls;
    return scope.host(name, {In(in), Out(out)}, [](const TaskContext& c) { kernels::cast(c.view(0), c.view(1)); });
  }
};

// Collectives that only count: enough to build (not run) the graph of a rank of N.
class CountingCollectives final : public TpCollectives {
 public:
  TaskRef all_gather(Scope& scope, const View& in, const View& out, std::string name) override {
    ++gathers;
    return scope.host(name, {In(in), Out(out)});
  }
  TaskRef all_reduce(Scope& scope, const View& in, const View& out, std::string name) override {
    ++reduces;
    return scope.host(name, {In(in), Out(out)});
  }
  int gathers = 0, reduces = 0;
};

std::unique_ptr<ModelRun> single_rank(const std::string& model, ModelOptions options) {
  options.config = "small";
  return find_model(model).make(options);
}

// Every tensor of the single-rank graph is placed, and the rank graph's tensor of that name
// is exactly its part.
void expect_placements_cover(const ModelRun& full, const TpRankRun& rank) {
  for (const auto& buffer : full.graph().buffers()) {
    SCOPED_TRACE(buffer->name());
    const TpPlacement& p = rank.placement(buffer->name());
    const auto* local = rank.graph().find_buffer(buffer->name());
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->dtype(), buffer->dtype());
    EXPECT_EQ(local->shape(), Shape(rank.slice_of(p, buffer->shape()).sizes));
  }
}

struct Case {
  std::string model;
  ModelOptions options;
  int ranks;
  int gathers;  // all-gathers per rank
  int reduces;  // all-reduces per rank
};

class TpRankGraphs : public ::testing::TestWithParam<Case> {};

TEST_P(TpRankGraphs, PlaceEverySingleRankTensorAsItsPart) {
  const Case& c = GetParam();
  const auto full = single_rank(c.model, c.options);
  const auto& tp = find_tp_model(c.model);
  for (int r = 0; r < c.ranks; ++r) {
    CountingCollectives collectives;
    const auto rank = tp.make_rank(*full, r, c.ranks, collectives);
    rank->graph().verify();
    expect_placements_cover(*full, *rank);
    EXPECT_EQ(collectives.gathers, c.gathers);
    EXPECT_EQ(collectives.reduces, c.reduces);
  }
}

ModelOptions mode(const std::string& m) {
  ModelOptions options;
  options.mode = m;
  return options;
}
ModelOptions preset(const std::string& p) {
  ModelOptions options;
  options.preset = p;
  return options;
}

INSTANTIATE_TEST_SUITE_P(
    Models, TpRankGraphs,
    ::testing::Values(Case{"v32-decode-scope1", {}, 2, 8, 0},  // B = 4 rows, q_nope and q_pe each
                      Case{"v32-decode-scope1", mode("host-fused"), 4, 8, 0},
                      Case{"v4-swa-attention", preset("pro"), 4, 0, 1},
                      Case{"v4-swa-attention", {}, 2, 0, 1}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string name = info.param.model + "_" + info.param.options.mode + info.param.options.preset + "_np" +
                         std::to_string(info.param.ranks);
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

// On one rank the collectives are copies: the TP graph (partial o_proj_b, all-reduce, scale;
// local q_split, all-gather) must give the single-rank run's tensors bit for bit.
void expect_one_rank_equals_single_rank(const std::string& model, const ModelOptions& options) {
  const auto full = single_rank(model, options);
  full->generate_inputs(5);
  OneRankCollectives collectives;
  const auto rank = find_tp_model(model).make_rank(*full, 0, 1, collectives);
  EXPECT_GT(collectives.calls, 0);
  rank->take_inputs(*full);
  HostExecutor host(2);
  rank->run(host);
  full->run(host);
  for (const auto& buffer : full->graph().buffers()) {
    SCOPED_TRACE(buffer->name());
    EXPECT_TRUE(full->tensor(buffer->name()).same_bytes(rank->tensor(buffer->name())));
  }
}

TEST(TpRankRun, OneRankOfV32GivesTheSingleRankBits) { expect_one_rank_equals_single_rank("v32-decode-scope1", {}); }
TEST(TpRankRun, OneRankOfV32HostTilingGivesTheSingleRankBits) {
  expect_one_rank_equals_single_rank("v32-decode-scope1", mode("host"));
}
TEST(TpRankRun, OneRankOfV4SwaGivesTheSingleRankBits) {
  expect_one_rank_equals_single_rank("v4-swa-attention", preset("pro"));
}

// adopt_run takes the rank's results as the single-rank run's own: the golden passes on them.
TEST(TpRankRun, AdoptedResultsPassTheSingleRankGolden) {
  const auto full = single_rank("v4-swa-attention", {});
  full->generate_inputs(3);
  OneRankCollectives collectives;
  const auto rank = find_tp_model("v4-swa-attention").make_rank(*full, 0, 1, collectives);
  rank->take_inputs(*full);
  rank->run(HostExecutor{2});
  full->adopt_run(rank->tensors());
  EXPECT_TRUE(full->check().pass());
}

TEST(TpRankRun, RanksThatDoNotSplitTheModelAreClearErrors) {
  const auto v32 = single_rank("v32-decode-scope1", {});
  try {
    find_tp_model("v32-decode-scope1").check(*v32, 3);
    FAIL() << "3 ranks cannot split 4 heads";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("3 does not divide NUM_HEADS = 4 (small config); use --tp 1, 2, 4"), std::string::npos)
        << e.what();
  }
  const auto swa = single_rank("v4-swa-attention", {});
  try {
    find_tp_model("v4-swa-attention").check(*swa, 4);
    FAIL() << "4 ranks cannot split 2 groups";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("4 does not divide O_GROUPS = 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("use --tp 1, 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(find_tp_model("v4-qkv-proj-rope"), ConfigError);
}

TEST(TpRankRun, CopyShardTakesTheRanksPartOfOneDim) {
  Tensor global("g", INT32, {2, 4, 3});
  for (int i = 0; i < 24; ++i) global.data_as<std::int32_t>()[i] = i;
  Tensor part("g", INT32, {2, 2, 3});
  copy_shard(global, 1, 2, part);
  const std::int32_t expected[] = {6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(part.data_as<std::int32_t>()[i], expected[i]) << i;
  EXPECT_THROW(copy_shard(global, 1, 3, part), ShapeError);  // past the end of dim 1
  EXPECT_THROW(copy_shard(global, 0, 0, part), ShapeError);  // dim 1 differs, not dim 0
}

}  // namespace
}  // namespace tg::models
