// The tensor-parallel rank graphs on the modelled multi-chip machine (`run --tp N --machine
// a2a3xN`): built in one process with modelled collectives, every rank's collectives line up,
// the run is deterministic, and splitting the work across chips shortens each chip's compute.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/common/registry.hpp"
#include "models/common/tp_modelled_collectives.hpp"
#include "runtime/multichip_machine.hpp"
#include "scheduler/multichip_sim.hpp"

namespace tg::models {
namespace {

std::size_t comm_tasks(const Graph& graph) {
  std::size_t n = 0;
  for (TaskId t = 0; t < graph.num_tasks(); ++t) n += graph.task(t).kernel_name.starts_with("comm.");
  return n;
}

struct Simulated {
  std::vector<std::unique_ptr<TpRankRun>> ranks;
  MultiChipResult result;
};

Simulated simulate(const std::string& model, int ranks) {
  ModelOptions options;
  options.config = "small";
  const auto full = find_model(model).make(options);
  Simulated s{modelled_tp_ranks(find_tp_model(model), *full, ranks), {}};
  std::vector<const Graph*> graphs;
  for (const auto& r : s.ranks) graphs.push_back(&r->graph());
  s.result = MultiChipSimExecutor(load_multichip_machine("a2a3x" + std::to_string(ranks))).simulate(graphs);
  return s;
}

class TpOnChips : public ::testing::TestWithParam<std::string> {};

TEST_P(TpOnChips, EveryRanksCollectivesLineUpAndEndTheRankAfterItsCompute) {
  const Simulated s = simulate(GetParam(), 2);
  ASSERT_EQ(s.result.ranks.size(), 2u);
  const std::size_t collectives = comm_tasks(s.ranks[0]->graph());
  ASSERT_GT(collectives, 0u);
  EXPECT_EQ(comm_tasks(s.ranks[1]->graph()), collectives);
  EXPECT_EQ(s.result.collectives.size(), collectives);
  for (const auto& rank : s.result.comm) {
    EXPECT_EQ(rank.collectives, collectives);
    EXPECT_GT(rank.collective_ns, 0);
    EXPECT_LE(rank.exposed_ns, rank.collective_ns);
    EXPECT_LE(rank.makespan_ns, s.result.makespan_ns);
  }
  for (const auto& c : s.result.collectives) {
    EXPECT_LE(c.first_ready_ns, c.all_ready_ns);
    EXPECT_LT(c.all_ready_ns, c.end_ns);
  }
  EXPECT_GT(s.result.exposed_share(), 0.0);
  EXPECT_LE(s.result.exposed_share(), 1.0);
}

TEST_P(TpOnChips, IsDeterministic) {
  const Simulated a = simulate(GetParam(), 2), b = simulate(GetParam(), 2);
  EXPECT_EQ(a.result.makespan_ns, b.result.makespan_ns);
  for (std::size_t r = 0; r < a.result.comm.size(); ++r)
    EXPECT_EQ(a.result.comm[r].exposed_ns, b.result.comm[r].exposed_ns);
}

INSTANTIATE_TEST_SUITE_P(Models, TpOnChips, ::testing::Values("v32-decode-scope1", "v4-swa-attention"),
                         [](const auto& info) { return info.param == "v32-decode-scope1" ? std::string("V32Scope1") : std::string("V4Swa"); });

// V3.2 splits its per-head stages: on 4 chips each chip runs a quarter of the q heads' tasks,
// so the slowest rank's own work (its makespan without the time its collectives are exposed)
// is shorter than on 2.
TEST(TpOnChips, MoreChipsShortenEachChipsWorkForV32) {
  const auto work = [](const Simulated& s) {
    std::int64_t longest = 0;
    for (const auto& r : s.result.comm) longest = std::max(longest, r.makespan_ns - r.exposed_ns);
    return longest;
  };
  EXPECT_LT(work(simulate("v32-decode-scope1", 4)), work(simulate("v32-decode-scope1", 2)));
}

}  // namespace
}  // namespace tg::models
