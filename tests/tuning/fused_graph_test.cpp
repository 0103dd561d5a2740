// Applying a fusion on hand-built graphs: the fused graph computes the same bits on the host
// executor (on chip, kept in GM, on the coarser of two grids), its cost hint is the sum minus
// the intermediate's GM round trip, and the gain rank_by_gain reports is the simulated
// difference of the two graphs.
#include <gtest/gtest.h>

#include <cstring>

#include "runtime/machine.hpp"
#include "runtime/tensor.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"
#include "fixtures.hpp"
#include "tuning/fused_graph.hpp"
#include "tuning/fusion_gain.hpp"

namespace {

using namespace tg;
using tg::tuning::test::a2a3;
using tg::tuning::test::row_kernel;

Arg rows(Arg a, std::int64_t n = 1) { return a.tiled(tile::rows(n)); }

Tensor input_x() {
  Tensor x("x", FP32, {4, 64});
  float* p = x.data_as<float>();
  for (int i = 0; i < 4 * 64; ++i) p[i] = 0.37f * static_cast<float>(i % 29) - 3.1f;
  return x;
}

// Runs `g` on the host with x bound; returns the named outputs' bytes.
std::vector<std::vector<std::byte>> run(const Graph& g, const std::vector<std::string>& outputs) {
  Bindings memory = g.bind({{"x", input_x()}});
  HostExecutor host{2};
  const RunResult r = host.run(g, memory);
  std::vector<std::vector<std::byte>> out;
  for (const auto& name : outputs) {
    const Tensor& t = r.output(name);
    out.emplace_back(t.data(), t.data() + t.bytes());
  }
  return out;
}

Graph chain_graph(std::int64_t producer_rows = 1, bool reader_after = false) {
  Scope s{"chain"};
  View x = s.input("x", {4, 64}, FP32), t = s.staging("t", {4, 64}, FP32), y = s.output("y", {4, 64}, FP32);
  s.vector("scale", row_kernel("scale", 2.5f, true), {{"x", rows(In(x), producer_rows)}, {"y", rows(Out(t), producer_rows)}});
  s.vector("shift", row_kernel("shift", 0.75f, false), {{"x", rows(In(t))}, {"y", rows(Out(y))}});
  if (reader_after) {
    View side = s.output("side", {4, 64}, FP32);
    s.vector("peek", row_kernel("peek", 3, true), {{"x", rows(In(t))}, {"y", rows(Out(side))}});
  }
  return s.finalize();
}

TEST(FusedGraph, OnChipIntermediateGivesTheSameBitsWithoutTouchingGm) {
  const Graph g = chain_graph();
  const auto cs = tuning::fusion_candidates(g, a2a3());
  ASSERT_EQ(cs.size(), 1u);
  const tuning::FusedGraph fused = tuning::fuse(g, a2a3(), cs[0]);
  ASSERT_EQ(fused.graph.num_tasks(), 1u);
  const Task& f = fused.graph.task(0);
  EXPECT_EQ(f.name, "scale+shift");
  ASSERT_TRUE(f.descriptor);
  EXPECT_EQ(f.descriptor->name, "scale+shift");
  EXPECT_EQ(f.block_num, 4);
  ASSERT_EQ(f.args.size(), 2u) << "t is neither written nor read in GM";
  EXPECT_EQ(f.args[0].view.buffer().name(), "x");
  EXPECT_EQ(f.args[1].view.buffer().name(), "y");
  EXPECT_EQ(f.params, (std::vector<std::string>{"scale.x", "shift.y"}));
  EXPECT_EQ(fused.new_id, (std::vector<TaskId>{0, 0}));
  EXPECT_EQ(run(g, {"y"}), run(fused.graph, {"y"}));
  // Cost: the two blocks' bytes minus the row of t written and read back.
  const double row = 64 * 4;
  EXPECT_DOUBLE_EQ(f.cost->bytes, g.task(0).cost->bytes + g.task(1).cost->bytes - 2 * row);
  EXPECT_TRUE(f.cost_given);
}

TEST(FusedGraph, KeptWrittenIntermediateStillFeedsTheLaterReader) {
  const Graph g = chain_graph(1, true);
  const auto check = tuning::check_fusion(g, a2a3(), 0, 1);
  ASSERT_TRUE(check.plan) << check.why_not;
  const tuning::FusedGraph fused = tuning::fuse_pair(g, a2a3(), *check.plan);
  ASSERT_EQ(fused.graph.num_tasks(), 2u);
  EXPECT_EQ(fused.graph.task(0).args.size(), 3u);  // x, t (still written), y
  ASSERT_EQ(fused.graph.successors(0).size(), 1u);
  EXPECT_EQ(fused.graph.task(fused.graph.successors(0)[0]).name, "peek");
  EXPECT_EQ(run(g, {"y", "side"}), run(fused.graph, {"y", "side"}));
}

TEST(FusedGraph, DividingGridsRunTheFinerTasksBlocksInTurn) {
  const Graph g = chain_graph(2);
  const auto cs = tuning::fusion_candidates(g, a2a3());
  ASSERT_EQ(cs.size(), 1u);
  const tuning::FusedGraph fused = tuning::fuse(g, a2a3(), cs[0]);
  EXPECT_EQ(fused.graph.task(0).block_num, 2);
  EXPECT_EQ(run(g, {"y"}), run(fused.graph, {"y"}));
}

TEST(FusedGraph, AOneBlockConsumerRunsAfterEveryProducerBlockInItsOneFusedBlock) {
  Scope s{"gather"};
  View x = s.input("x", {4, 64}, FP32), t = s.staging("t", {4, 64}, FP32), y = s.output("y", {4, 64}, FP32);
  s.vector("scale", row_kernel("scale", 2.5f, true), {{"x", rows(In(x))}, {"y", rows(Out(t))}});
  s.vector("shift_all", row_kernel("shift_all", 0.75f, false), {{"x", In(t)}, {"y", Out(y)}});  // one block, whole views
  const Graph g = s.finalize();
  const auto check = tuning::check_fusion(g, a2a3(), 0, 1);
  ASSERT_TRUE(check.plan) << check.why_not;
  EXPECT_EQ(check.plan->block_num, 1);
  EXPECT_EQ(check.plan->producer_blocks_per_block, 4);
  EXPECT_NE(check.plan->reason.find("1 fused block, running 4 of 'scale'"), std::string::npos) << check.plan->reason;
  EXPECT_EQ(run(g, {"y"}), run(tuning::fuse_pair(g, a2a3(), *check.plan).graph, {"y"}));
}

TEST(FusedGraph, TheReportedGainIsTheSimulatedDifference) {
  Scope s{"two_chains"};
  View x = s.input("x", {4, 64}, FP32), t = s.staging("t", {4, 64}, FP32), y = s.output("y", {4, 64}, FP32);
  View u = s.staging("u", {4, 64}, FP32), z = s.output("z", {4, 64}, FP32);
  s.vector("scale", row_kernel("scale", 2, true), {{"x", rows(In(x))}, {"y", rows(Out(t))}});
  s.vector("shift", row_kernel("shift", 1, false), {{"x", rows(In(t))}, {"y", rows(Out(y))}});
  s.vector("scale2", row_kernel("scale2", 3, true), {{"x", rows(In(y))}, {"y", rows(Out(u))}});
  s.vector("shift2", row_kernel("shift2", 4, false), {{"x", rows(In(u))}, {"y", rows(Out(z))}});
  const Graph g = s.finalize();
  auto cs = tuning::fusion_candidates(g, a2a3());
  ASSERT_GE(cs.size(), 3u);
  const std::int64_t makespan = tuning::rank_by_gain(g, a2a3(), cs);
  const SimExecutor chip(a2a3());
  EXPECT_EQ(makespan, chip.simulate(g).timeline.makespan_ns);
  for (const auto& c : cs) {
    const std::int64_t fused = chip.simulate(tuning::fuse(g, a2a3(), c).graph).timeline.makespan_ns;
    EXPECT_EQ(c.makespan_ns, makespan);
    EXPECT_EQ(c.fused_makespan_ns, fused) << c.label;
    EXPECT_EQ(c.gain_ns(), makespan - fused) << c.label;
    EXPECT_GT(c.gain_ns(), 0) << c.label << ": a dispatch, a pickup and a completion are saved";
    EXPECT_GT(c.savings.orchestrator_ns, 0) << c.label;
    EXPECT_GT(c.savings.scheduler_ns, 0) << c.label;
  }
  for (std::size_t i = 1; i < cs.size(); ++i) EXPECT_GE(cs[i - 1].gain_ns(), cs[i].gain_ns()) << "best first";
  EXPECT_EQ(cs[0].chain.size(), 4u) << "the whole chain saves the most";
  EXPECT_DOUBLE_EQ(cs[0].savings.gm_bytes, 2 * 2 * 4 * 64 * 4) << "t and u, each written and read once, stay on chip";
  // Applying every candidate best first: the chain, then nothing else (they share its tasks).
  const tuning::FusedGraph all = tuning::fuse(g, a2a3(), cs);
  EXPECT_EQ(all.graph.num_tasks(), 1u);
  EXPECT_EQ(all.applied.size(), 1u);
  EXPECT_EQ(all.skipped.size(), cs.size() - 1);
  EXPECT_EQ(run(g, {"y", "z"}), run(all.graph, {"y", "z"}));
}

TEST(FusedGraph, AStepThatIsNoLongerFusableThrowsWithItsReason) {
  const Graph g = chain_graph();
  tuning::FusionCandidate backwards;
  backwards.chain = {1, 0};
  backwards.label = "shift + scale";
  try {
    (void)tuning::fuse(g, a2a3(), backwards);
    FAIL() << "expected GraphError";
  } catch (const GraphError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot fuse shift + scale"), std::string::npos) << e.what();
  }
}

}  // namespace
