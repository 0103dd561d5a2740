// Collective costs computed by hand from the formulas in runtime/collective_cost.hpp.
#include "runtime/collective_cost.hpp"

#include <gtest/gtest.h>

#include "runtime/error.hpp"

namespace tg {
namespace {

NetworkDim dim(Topology t, int size, int links, double gbytes_per_s, std::int64_t latency_ns) {
  return NetworkDim{t, size, links, gbytes_per_s * 1e9, latency_ns};
}

// A ring of 4 chips, 2 links of 10 GB/s each: 20 bytes per ns to a neighbour, 100 ns per hop.
const NetworkDim kRing4 = dim(Topology::Ring, 4, 2, 10, 100);
// 4 chips fully connected by one 10 GB/s link per pair: 10 B/ns to one peer, 30 to all.
const NetworkDim kMesh4 = dim(Topology::FullyConnected, 4, 3, 10, 100);
// 8 chips on a switch, one 10 GB/s port each, 50 ns per link (2 hops chip to chip).
const NetworkDim kSwitch8 = dim(Topology::Switch, 8, 1, 10, 50);

std::int64_t ns(const NetworkDim& d, Collective op, CollectiveAlgorithm a, double bytes) {
  return dimension_phase(d, 0, op, a, bytes).ns();
}

TEST(CollectiveCost, RingAlgorithmOnARing) {
  // all_reduce 8000 B: 2(p-1) = 6 steps of 2000 B: 6 x 100 ns + 12000 B / 20 B/ns.
  const CollectivePhase ar = dimension_phase(kRing4, 0, Collective::AllReduce, CollectiveAlgorithm::Ring, 8000);
  EXPECT_EQ(ar.steps, 6);
  EXPECT_DOUBLE_EQ(ar.bytes, 12000);
  EXPECT_EQ(ar.latency_ns, 600);
  EXPECT_EQ(ar.ns(), 1200);
  EXPECT_EQ(ns(kRing4, Collective::AllGather, CollectiveAlgorithm::Ring, 8000), 300 + 300);      // 3 x 2000 B
  EXPECT_EQ(ns(kRing4, Collective::ReduceScatter, CollectiveAlgorithm::Ring, 8000), 300 + 300);
  EXPECT_EQ(ns(kRing4, Collective::Broadcast, CollectiveAlgorithm::Ring, 8000), 600 + 600);      // scatter + all_gather: 6 x 2000 B
  EXPECT_EQ(ns(kRing4, Collective::AllToAll, CollectiveAlgorithm::Ring, 8000), 300 + 600);       // 3 + 2 + 1 parts of 2000 B
}

TEST(CollectiveCost, HalvingDoublingOnARingPaysTheHopsToFarPartners) {
  // Partners 2 then 1 apart: 2 + 1 hops per half. Every chip sends at once, so the step to
  // partners 2 apart puts 2 messages of 4000 B on each link: 8000 + 2000 B per half.
  const CollectivePhase ar = dimension_phase(kRing4, 0, Collective::AllReduce, CollectiveAlgorithm::HalvingDoubling, 8000);
  EXPECT_EQ(ar.steps, 4);
  EXPECT_EQ(ar.latency_ns, 600);
  EXPECT_DOUBLE_EQ(ar.bytes, 20000);
  EXPECT_EQ(ar.ns(), 600 + 1000);
  // The binomial tree's senders do not share links: 2 steps of 8000 B.
  EXPECT_EQ(ns(kRing4, Collective::Broadcast, CollectiveAlgorithm::HalvingDoubling, 8000), 300 + 800);
  // Bruck: 4000 B to partners 1 then 2 apart: 4000 + 2 x 4000 B.
  EXPECT_EQ(ns(kRing4, Collective::AllToAll, CollectiveAlgorithm::HalvingDoubling, 8000), 300 + 600);
}

TEST(CollectiveCost, DirectNeedsAFullyConnectedOrSwitchDimension) {
  EXPECT_THROW(dimension_phase(kRing4, 0, Collective::AllReduce, CollectiveAlgorithm::Direct, 8000), ConfigError);
  EXPECT_THROW(dimension_phase(dim(Topology::Switch, 6, 1, 10, 50), 0, Collective::AllReduce,
                               CollectiveAlgorithm::HalvingDoubling, 8000),
               ConfigError);
}

TEST(CollectiveCost, FullyConnectedSpreadsTheLinksOverThePeers) {
  // all_reduce 12000 B: 2 x 3 x 3000 B = 18000 B in every algorithm.
  EXPECT_EQ(ns(kMesh4, Collective::AllReduce, CollectiveAlgorithm::Ring, 12000), 600 + 1800);           // 6 steps, one peer's link
  EXPECT_EQ(ns(kMesh4, Collective::AllReduce, CollectiveAlgorithm::HalvingDoubling, 12000), 400 + 1800); // 4 steps
  EXPECT_EQ(ns(kMesh4, Collective::AllReduce, CollectiveAlgorithm::Direct, 12000), 200 + 600);          // 2 steps, all 3 links
  EXPECT_EQ(ns(kMesh4, Collective::Broadcast, CollectiveAlgorithm::Direct, 12000), 200 + 600);          // scatter + all_gather
  EXPECT_EQ(ns(kMesh4, Collective::AllToAll, CollectiveAlgorithm::Direct, 12000), 100 + 300);           // 9000 B at 30 B/ns
}

TEST(CollectiveCost, SwitchCostsTwoHopsPerStep) {
  EXPECT_EQ(ns(kSwitch8, Collective::AllGather, CollectiveAlgorithm::Direct, 8000), 100 + 700);
  EXPECT_EQ(ns(kSwitch8, Collective::AllGather, CollectiveAlgorithm::Ring, 8000), 700 + 700);
  EXPECT_EQ(ns(kSwitch8, Collective::AllGather, CollectiveAlgorithm::HalvingDoubling, 8000), 300 + 700);
}

TEST(CollectiveCost, AutoTakesTheCheapestPerDimensionAndSize) {
  Network ring{{kRing4}, {}};
  // A small broadcast: the tree's 2 steps (300 + 800 ns) beat the ring's 6 (600 + 600).
  const CollectivePlan small = plan_collective(ring, Collective::Broadcast, 8000);
  ASSERT_EQ(small.phases.size(), 1u);
  EXPECT_EQ(small.phases[0].algorithm, CollectiveAlgorithm::HalvingDoubling);
  EXPECT_EQ(small.ns(), 1100);
  // A large one: the ring moves 1.5 n, the tree 2 n.
  const CollectivePlan large = plan_collective(ring, Collective::Broadcast, 8e6);
  EXPECT_EQ(large.phases[0].algorithm, CollectiveAlgorithm::Ring);
  EXPECT_EQ(large.ns(), 600 + 600000);
  // A tie (all_to_all: 900 ns both) goes to ring.
  EXPECT_EQ(plan_collective(ring, Collective::AllToAll, 8000).phases[0].algorithm, CollectiveAlgorithm::Ring);
  Network mesh{{kMesh4}, {}};
  EXPECT_EQ(plan_collective(mesh, Collective::AllReduce, 12000).phases[0].algorithm, CollectiveAlgorithm::Direct);
  EXPECT_EQ(plan_collective(mesh, Collective::AllReduce, 12000).ns(), 800);
  // Forced in the network description.
  mesh.algorithm[static_cast<std::size_t>(Collective::AllReduce)] = CollectiveAlgorithm::Ring;
  EXPECT_EQ(plan_collective(mesh, Collective::AllReduce, 12000).ns(), 2400);
}

TEST(CollectiveCost, TwoDimensionsComposeHierarchically) {
  // dim 0: 2 chips, one 20 GB/s link, 100 ns; dim 1: a ring of 4 at 20 B/ns, 1000 ns.
  Network net{{dim(Topology::FullyConnected, 2, 1, 20, 100), dim(Topology::Ring, 4, 2, 10, 1000)}, {}};
  const CollectivePlan ar = plan_collective(net, Collective::AllReduce, 16000);
  ASSERT_EQ(ar.phases.size(), 3u);
  // reduce_scatter of 16000 B on dim 0: 1 step of 8000 B = 100 + 400.
  EXPECT_EQ(ar.phases[0].op, Collective::ReduceScatter);
  EXPECT_EQ(ar.phases[0].dim, 0u);
  EXPECT_EQ(ar.phases[0].ns(), 500);
  // all_reduce of the 8000 B half on dim 1: 6 steps of 2000 B = 6000 + 600.
  EXPECT_EQ(ar.phases[1].op, Collective::AllReduce);
  EXPECT_EQ(ar.phases[1].dim, 1u);
  EXPECT_EQ(ar.phases[1].ns(), 6600);
  // all_gather back to 16000 B on dim 0.
  EXPECT_EQ(ar.phases[2].op, Collective::AllGather);
  EXPECT_EQ(ar.phases[2].ns(), 500);
  EXPECT_EQ(ar.ns(), 7600);
  // (halving-doubling there: 6000 ns of hops + 20000 B = 7000 ns; ring wins.)
  // reduce_scatter: 16000 B on dim 0, then 8000 B on dim 1 (3 steps of 2000 B = 3000 + 300).
  EXPECT_EQ(plan_collective(net, Collective::ReduceScatter, 16000).ns(), 500 + 3300);
  // all_gather mirrors it; broadcast sends the whole buffer on each dimension.
  EXPECT_EQ(plan_collective(net, Collective::AllGather, 16000).ns(), 3300 + 500);
  EXPECT_EQ(plan_collective(net, Collective::AllGather, 16000).phases[0].dim, 1u);
}

}  // namespace
}  // namespace tg
