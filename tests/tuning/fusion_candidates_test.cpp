// Fusion candidates on hand-built graphs: a fusable pair is found with its reason; a pair
// whose intermediate has a second reader before the consumer, or whose combined working set
// exceeds the UB, is not, and why_not says so; grids that divide, kinds that MIX, HOST tasks.
#include <gtest/gtest.h>

#include <algorithm>

#include "runtime/machine.hpp"
#include "tasks/scope.hpp"
#include "fixtures.hpp"
#include "tuning/fusion_candidates.hpp"

namespace {

using namespace tg;
using tg::tuning::test::a2a3;
using tg::tuning::test::row_kernel;

bool has_pair(const std::vector<tuning::FusionCandidate>& cs, TaskId p, TaskId c) {
  return std::any_of(cs.begin(), cs.end(), [&](const auto& x) { return x.chain == std::vector<TaskId>{p, c}; });
}

// x -> scale -> t -> shift -> y, one row per block.
struct Chain {
  Scope s{"chain"};
  View x = s.input("x", {4, 64}, FP32);
  View t = s.staging("t", {4, 64}, FP32);
  View y = s.output("y", {4, 64}, FP32);
};

TEST(FusionCandidates, ProducerAndConsumerOnTheSameRowsAreFusedOnChip) {
  Chain c;
  const TaskId a = c.s.vector("scale", row_kernel("scale", 2, true), {{"x", In(c.x).tiled(tile::rows(1))}, {"y", Out(c.t).tiled(tile::rows(1))}});
  const TaskId b = c.s.vector("shift", row_kernel("shift", 1, false), {{"x", In(c.t).tiled(tile::rows(1))}, {"y", Out(c.y).tiled(tile::rows(1))}});
  const Graph g = c.s.finalize();
  const auto cs = tuning::fusion_candidates(g, a2a3());
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].chain, (std::vector<TaskId>{a, b}));
  EXPECT_TRUE(cs[0].on_chip);
  EXPECT_EQ(cs[0].kind, TaskKind::Vector);
  EXPECT_EQ(cs[0].intermediates, std::vector<std::string>{"t"});
  EXPECT_NE(cs[0].reason.find("same grid (4 blocks)"), std::string::npos) << cs[0].reason;
  EXPECT_NE(cs[0].reason.find("t on chip"), std::string::npos) << cs[0].reason;
  EXPECT_EQ(tuning::why_not(g, a2a3(), a, b), "");
  EXPECT_NE(tuning::why_not(g, a2a3(), b, a).find("not submitted before"), std::string::npos);
}

TEST(FusionCandidates, AnotherReaderOfTheIntermediateBeforeTheConsumerRulesThePairOut) {
  Chain c;
  View side = c.s.output("side", {4, 64}, FP32);
  const TaskId a = c.s.vector("scale", row_kernel("scale", 2, true), {{"x", In(c.x).tiled(tile::rows(1))}, {"y", Out(c.t).tiled(tile::rows(1))}});
  c.s.vector("peek", row_kernel("peek", 3, true), {{"x", In(c.t).tiled(tile::rows(1))}, {"y", Out(side).tiled(tile::rows(1))}});
  const TaskId b = c.s.vector("shift", row_kernel("shift", 1, false), {{"x", In(c.t).tiled(tile::rows(1))}, {"y", Out(c.y).tiled(tile::rows(1))}});
  const Graph g = c.s.finalize();
  const auto cs = tuning::fusion_candidates(g, a2a3());
  EXPECT_FALSE(has_pair(cs, a, b));
  const std::string why = tuning::why_not(g, a2a3(), a, b);
  EXPECT_NE(why.find("the intermediate t has another reader, 'peek#1', before 'shift#2'"), std::string::npos) << why;
}

TEST(FusionCandidates, AReaderAfterTheConsumerKeepsTheIntermediateWritten) {
  Chain c;
  View side = c.s.output("side", {4, 64}, FP32);
  const TaskId a = c.s.vector("scale", row_kernel("scale", 2, true), {{"x", In(c.x).tiled(tile::rows(1))}, {"y", Out(c.t).tiled(tile::rows(1))}});
  const TaskId b = c.s.vector("shift", row_kernel("shift", 1, false), {{"x", In(c.t).tiled(tile::rows(1))}, {"y", Out(c.y).tiled(tile::rows(1))}});
  c.s.vector("peek", row_kernel("peek", 3, true), {{"x", In(c.t).tiled(tile::rows(1))}, {"y", Out(side).tiled(tile::rows(1))}});
  const Graph g = c.s.finalize();
  const auto check = tuning::check_fusion(g, a2a3(), a, b);
  ASSERT_TRUE(check.plan) << check.why_not;
  EXPECT_FALSE(check.plan->on_chip);
  EXPECT_NE(check.plan->reason.find("t kept in GM"), std::string::npos) << check.plan->reason;
}

TEST(FusionCandidates, ACombinedWorkingSetOverTheUbRulesThePairOut) {
  Scope s{"big"};
  View x = s.input("x", {1, 64}, FP32), t = s.staging("t", {1, 64}, FP32), y = s.output("y", {1, 64}, FP32);
  const std::uint64_t kib100 = 100 * 1024;  // each fits a2a3's 184 KiB usable UB alone, not both
  const TaskId a = s.vector("a", {In(x), Out(t)}).cost({10, 512, kib100, false});
  const TaskId b = s.vector("b", {In(t), Out(y)}).cost({10, 512, kib100, false});
  const Graph g = s.finalize();
  EXPECT_TRUE(tuning::fusion_candidates(g, a2a3()).empty());
  const std::string why = tuning::why_not(g, a2a3(), a, b);
  // 200 KiB less the 256-byte row of t they share on chip.
  EXPECT_NE(why.find("the combined working set of 199.8 KiB per block exceeds the 184.0 KiB AIV unified buffer"), std::string::npos)
      << why;
  // The same pair with smaller tiles fits.
  Scope small{"small"};
  View xs = small.input("x", {1, 64}, FP32), ts = small.staging("t", {1, 64}, FP32), ys = small.output("y", {1, 64}, FP32);
  small.vector("a", {In(xs), Out(ts)}).cost({10, 512, kib100 / 2, false});
  small.vector("b", {In(ts), Out(ys)}).cost({10, 512, kib100 / 2, false});
  EXPECT_EQ(tuning::fusion_candidates(small.finalize(), a2a3()).size(), 1u);
}

TEST(FusionCandidates, GridsThatDivideFuseOnTheCoarserGrid) {
  Chain c;
  const TaskId a = c.s.vector("scale", row_kernel("scale", 2, true), {{"x", In(c.x).tiled(tile::rows(2))}, {"y", Out(c.t).tiled(tile::rows(2))}});
  const TaskId b = c.s.vector("shift", row_kernel("shift", 1, false), {{"x", In(c.t).tiled(tile::rows(1))}, {"y", Out(c.y).tiled(tile::rows(1))}});
  const Graph g = c.s.finalize();
  const auto check = tuning::check_fusion(g, a2a3(), a, b);
  ASSERT_TRUE(check.plan) << check.why_not;
  EXPECT_EQ(check.plan->block_num, 2);
  EXPECT_EQ(check.plan->consumer_blocks_per_block, 2);
  EXPECT_FALSE(check.plan->on_chip);  // two consumer tiles per fused block: kept in GM
  EXPECT_NE(check.plan->reason.find("grids divide"), std::string::npos);
}

TEST(FusionCandidates, BlocksThatReadAnotherFusedBlocksTilesAreNotFused) {
  Chain c;
  // The producer's block b writes row b; the consumer's block b reads column tile b of every row.
  const TaskId a = c.s.vector("scale", row_kernel("scale", 2, true), {{"x", In(c.x).tiled(tile::rows(1))}, {"y", Out(c.t).tiled(tile::rows(1))}});
  const TaskId b = c.s.vector("shift", row_kernel("shift", 1, false), {{"x", In(c.t).tiled(tile::cols(16))}, {"y", Out(c.y).tiled(tile::cols(16))}});
  const Graph g = c.s.finalize();
  EXPECT_NE(tuning::why_not(g, a2a3(), a, b).find("block 0 of 'shift#1' reads t[0:4, 0:16], written by blocks of 'scale#0' outside the fused block 0"),
            std::string::npos)
      << tuning::why_not(g, a2a3(), a, b);
  // A positional kernel of several blocks does not say which rows each block touches.
  Chain e;
  const TaskId p0 = e.s.vector("scale", row_kernel("scale", 2, true), {{"x", In(e.x).tiled(tile::rows(1))}, {"y", Out(e.t).tiled(tile::rows(1))}});
  const TaskId q0 = e.s.vector("flip", {In(e.t), Out(e.y)}, [](const TaskContext&) {}).blocks(4);
  EXPECT_NE(tuning::why_not(e.s.finalize(), a2a3(), p0, q0).find("declare their tiles"), std::string::npos);
  // The same block count on grids of different shapes: 2 x 2 tiles against 4 rows.
  Chain g2;
  const TaskId gp = g2.s.vector("scale", row_kernel("scale", 2, true),
                                {{"x", In(g2.x).tiled(tile::grid(2, 32))}, {"y", Out(g2.t).tiled(tile::grid(2, 32))}});
  const TaskId gc = g2.s.vector("shift", row_kernel("shift", 1, false), {{"x", In(g2.t).tiled(tile::rows(1))}, {"y", Out(g2.y).tiled(tile::rows(1))}});
  EXPECT_NE(tuning::why_not(g2.s.finalize(), a2a3(), gp, gc).find("4 blocks each but different shapes"), std::string::npos);
  // Grids that do not divide.
  Chain d;
  const TaskId p = d.s.vector("p", {In(d.x), Out(d.t)}).blocks(3);
  const TaskId q = d.s.vector("q", {In(d.t), Out(d.y)}).blocks(2);
  EXPECT_NE(tuning::why_not(d.s.finalize(), a2a3(), p, q).find("block grids do not divide"), std::string::npos);
}

TEST(FusionCandidates, CubeWithVectorIsOneMixTaskAndHostTasksStayApart) {
  Chain c;
  const TaskId a = c.s.cube("mm", {In(c.x), Out(c.t)}).cost({1e6, 2048, 4096, false});
  const TaskId b = c.s.vector("cast", {In(c.t), Out(c.y)}).cost({256, 2048, 4096, false});
  const Graph g = c.s.finalize();
  const auto check = tuning::check_fusion(g, a2a3(), a, b);
  ASSERT_TRUE(check.plan) << check.why_not;
  EXPECT_EQ(check.plan->kind, TaskKind::Mix);
  EXPECT_EQ(check.plan->mix_slots, kSlotAic | kSlotAiv0);
  Chain h;
  const TaskId p = h.s.host("load", {In(h.x), Out(h.t)});
  const TaskId q = h.s.vector("use", {In(h.t), Out(h.y)});
  EXPECT_NE(tuning::why_not(h.s.finalize(), a2a3(), p, q).find("HOST task"), std::string::npos);
}

TEST(FusionCandidates, APartlyWrittenReadAndAWriteOfTheProducersInputAreRefused) {
  Scope s{"partial"};
  View x = s.input("x", {4, 64}, FP32), t = s.staging("t", {4, 64}, FP32), y = s.output("y", {4, 64}, FP32);
  const TaskId w0 = s.vector("w0", {In(x), Out(t.rows(0, 2))});
  const TaskId w1 = s.vector("w1", {In(x), Out(t.rows(2, 2))});
  const TaskId r = s.vector("r", {In(t), Out(y)});
  const Graph g = s.finalize();
  EXPECT_NE(tuning::why_not(g, a2a3(), w1, r).find("only part of which"), std::string::npos);
  EXPECT_NE(tuning::why_not(g, a2a3(), w0, r).find("only part of which"), std::string::npos);
  EXPECT_NE(tuning::why_not(g, a2a3(), w0, w1).find("reads nothing"), std::string::npos);
  EXPECT_NE(tuning::why_not(g, a2a3(), 0, 99).find("not in graph"), std::string::npos);
}

TEST(FusionCandidates, AChainOfThreeIsListedAfterItsPairs) {
  Scope s{"three"};
  View x = s.input("x", {4, 64}, FP32), t = s.staging("t", {4, 64}, FP32), u = s.staging("u", {4, 64}, FP32);
  View y = s.output("y", {4, 64}, FP32);
  auto rows = [](Arg a) { return a.tiled(tile::rows(1)); };
  s.vector("a", row_kernel("a", 2, true), {{"x", rows(In(x))}, {"y", rows(Out(t))}});
  s.vector("b", row_kernel("b", 1, false), {{"x", rows(In(t))}, {"y", rows(Out(u))}});
  s.vector("c", row_kernel("c", 3, true), {{"x", rows(In(u))}, {"y", rows(Out(y))}});
  const auto cs = tuning::fusion_candidates(s.finalize(), a2a3());
  ASSERT_EQ(cs.size(), 3u);
  EXPECT_EQ(cs[2].chain, (std::vector<TaskId>{0, 1, 2}));
  EXPECT_EQ(cs[2].label, "a#0 + b#1 + c#2");
  EXPECT_TRUE(cs[2].on_chip);
}

}  // namespace
