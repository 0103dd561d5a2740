// Transitive reduction against a brute-force definition: an edge (u, v) is kept iff v is
// not reachable from u once that one edge is removed (plain DFS per edge).
#include "tasks/transitive_reduction.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tasks/scope.hpp"

namespace {

using namespace tg;

// Tasks with no arguments, ordered only by random explicit after() edges to earlier tasks.
Graph random_dag(std::mt19937& rng, int n_tasks, int max_preds) {
  Scope s{"random_dag"};
  for (int t = 0; t < n_tasks; ++t) {
    auto ref = s.vector("t" + std::to_string(t), {});
    const int preds = t == 0 ? 0 : static_cast<int>(rng() % static_cast<unsigned>(max_preds + 1));
    for (int k = 0; k < preds; ++k) {
      // Mostly near neighbours, so that long redundant chains appear.
      const int span = std::min(t, 1 + static_cast<int>(rng() % 8 == 0 ? t : 6));
      ref.after(static_cast<TaskId>(t - 1 - static_cast<int>(rng() % static_cast<unsigned>(span))));
    }
  }
  return s.finalize();
}

// Whether `to` is reachable from `from` without using the edge with index `skip`.
bool reachable_without(const Graph& g, TaskId from, TaskId to, std::uint32_t skip) {
  std::vector<bool> seen(g.num_tasks(), false);
  std::vector<TaskId> stack{from};
  seen[from] = true;
  while (!stack.empty()) {
    const TaskId u = stack.back();
    stack.pop_back();
    for (std::uint32_t e : g.out_edges(u)) {
      if (e == skip) continue;
      const TaskId v = g.edges()[e].to;
      if (v == to) return true;
      if (!seen[v]) {
        seen[v] = true;
        stack.push_back(v);
      }
    }
  }
  return false;
}

void expect_matches_brute_force(const Graph& g, const TransitiveReduction& r) {
  ASSERT_TRUE(r.reduced);
  const auto mask = reduction_mask(g, r);
  for (std::uint32_t e = 0; e < g.edges().size(); ++e) {
    const Edge& edge = g.edges()[e];
    EXPECT_EQ(mask[e], !reachable_without(g, edge.from, edge.to, e))
        << "edge " << edge.from << " -> " << edge.to << " of " << g.num_tasks() << " tasks";
  }
}

TEST(TransitiveReduction, DiamondDropsTheShortcut) {
  Scope s{"diamond"};
  const TaskId a = s.vector("a", {});
  const TaskId b = s.vector("b", {}).after(a);
  const TaskId c = s.vector("c", {}).after(a);
  s.vector("d", {}).after(b).after(c).after(a);
  const Graph g = s.finalize();
  ASSERT_EQ(g.edges().size(), 5u);
  const auto r = transitive_reduction(g);
  EXPECT_EQ(r.edges.size(), 4u);
  for (std::uint32_t e : r.edges) EXPECT_FALSE(g.edges()[e].from == a && g.edges()[e].to == 3);
  EXPECT_EQ(r.summary(g), "transitive reduction: 4 of 5 edges");
}

TEST(TransitiveReduction, RandomDagsMatchBruteForce) {
  std::mt19937 rng(20261125);
  for (int trial = 0; trial < 40; ++trial) {
    const Graph g = random_dag(rng, 1 + static_cast<int>(rng() % 120), 1 + static_cast<int>(rng() % 4));
    expect_matches_brute_force(g, transitive_reduction(g));
  }
}

TEST(TransitiveReduction, SmallChunksGiveTheSameEdges) {
  // A chunk budget of one word per task forces 64-task chunks: several passes over 300 tasks.
  std::mt19937 rng(7);
  for (int trial = 0; trial < 5; ++trial) {
    const Graph g = random_dag(rng, 300, 3);
    const auto chunked = transitive_reduction(g, kTransitiveReductionMaxTasks, 8 * g.num_tasks());
    expect_matches_brute_force(g, chunked);
    EXPECT_EQ(chunked.edges, transitive_reduction(g).edges);
  }
}

TEST(TransitiveReduction, LargeGraphFallsBackToDirectEdgesAndSaysSo) {
  std::mt19937 rng(3);
  const Graph g = random_dag(rng, 50, 3);
  const auto r = transitive_reduction(g, 40);
  EXPECT_FALSE(r.reduced);
  ASSERT_EQ(r.edges.size(), g.edges().size());
  for (std::uint32_t e = 0; e < r.edges.size(); ++e) EXPECT_EQ(r.edges[e], e);
  EXPECT_NE(r.summary(g).find("50 tasks > 40"), std::string::npos) << r.summary(g);
}

TEST(TransitiveReduction, EmptyAndEdgelessGraphs) {
  Scope empty{"empty"};
  EXPECT_TRUE(transitive_reduction(empty.finalize()).edges.empty());
  Scope flat{"flat"};
  for (int i = 0; i < 10; ++i) flat.vector("t", {});
  EXPECT_TRUE(transitive_reduction(flat.finalize()).edges.empty());
}

}  // namespace
