// Graphviz DOT: every task is a node, exactly the edges not implied by a longer path are
// drawn (checked against a plain DFS), styles follow the edge kind, names are escaped.
#include "trace/dot.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "trace_test_graphs.hpp"

namespace {

using namespace tg;

std::string dot_of(const Graph& g, bool all_edges = false) {
  std::ostringstream out;
  write_dot(g, out, DotOptions{all_edges});
  return out.str();
}

std::set<std::pair<TaskId, TaskId>> drawn_edges(const std::string& dot) {
  std::set<std::pair<TaskId, TaskId>> edges;
  static const std::regex edge_line(R"(\n\s*t(\d+) -> t(\d+) \[)");
  for (auto it = std::sregex_iterator(dot.begin(), dot.end(), edge_line); it != std::sregex_iterator(); ++it)
    edges.insert({static_cast<TaskId>(std::stoul((*it)[1])), static_cast<TaskId>(std::stoul((*it)[2]))});
  return edges;
}

// (from, to) pairs with no other path from `from` to `to`, by DFS per edge.
std::set<std::pair<TaskId, TaskId>> irreducible_edges(const Graph& g) {
  std::set<std::pair<TaskId, TaskId>> kept;
  for (std::uint32_t e = 0; e < g.edges().size(); ++e) {
    const Edge& edge = g.edges()[e];
    std::vector<bool> seen(g.num_tasks(), false);
    std::vector<TaskId> stack{edge.from};
    bool implied = false;
    while (!stack.empty()) {
      const TaskId u = stack.back();
      stack.pop_back();
      for (std::uint32_t o : g.out_edges(u)) {
        if (o == e) continue;
        const TaskId v = g.edges()[o].to;
        implied = implied || v == edge.to;
        if (!seen[v]) {
          seen[v] = true;
          stack.push_back(v);
        }
      }
    }
    if (!implied) kept.insert({edge.from, edge.to});
  }
  return kept;
}

TEST(Dot, EveryTaskAndExactlyTheReducedEdges) {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 10; ++trial) {
    const Graph g = test::random_graph(rng, 20 + trial * 7);
    const std::string dot = dot_of(g);
    for (TaskId t = 0; t < g.num_tasks(); ++t)
      EXPECT_NE(dot.find("\n  t" + std::to_string(t) + " [label=\"" + g.task(t).label()), std::string::npos) << t;
    EXPECT_EQ(drawn_edges(dot), irreducible_edges(g));
    std::set<std::pair<TaskId, TaskId>> all;
    for (const Edge& e : g.edges()) all.insert({e.from, e.to});
    EXPECT_EQ(drawn_edges(dot_of(g, true)), all);
  }
}

TEST(Dot, ColoursKindsStylesProvenanceAndNamesRegions) {
  const Graph g = test::mixed_kind_graph();
  const std::string dot = dot_of(g, true);
  EXPECT_NE(dot.find("t1 [label=\"proj#1\\ncube\", fillcolor=\"#fdae6b\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("t0 [label=\"load#0\\nvector x2\", fillcolor=\"#9ecae1\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("fillcolor=\"#bcbddc\""), std::string::npos);  // mix
  EXPECT_NE(dot.find("fillcolor=\"#a1d99b\""), std::string::npos);  // host
  EXPECT_NE(dot.find("t1 -> t3 [style=dashed, color=\"#d62728\", tooltip=\"war a[0:16, 0:32]\"]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("t0 -> t1 [style=solid"), std::string::npos);
  EXPECT_NE(dot.find("constraint=false"), std::string::npos) << "the implied load -> report edge is drawn grey";
  EXPECT_EQ(dot_of(g).find("constraint=false"), std::string::npos);
}

TEST(Dot, QuotesInNamesAreEscapedAndNestedScopesAreClusters) {
  Scope s{"quote\"scope"};
  auto x = s.inout("x", {4}, FP32);
  s.vector("say \"hi\"\\", {InOut(x)});
  {
    auto inner = s.nest("inner stage");
    s.vector("inside", {InOut(x)});
  }
  const std::string dot = dot_of(s.finalize());
  EXPECT_NE(dot.find("digraph \"quote\\\"scope\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"say \\\"hi\\\"\\\\#0"), std::string::npos) << dot;
  EXPECT_NE(dot.find("subgraph cluster_s1 {"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"inner stage\""), std::string::npos) << dot;
}

TEST(Dot, SameGraphSameBytes) {
  std::mt19937 rng(1);
  const Graph g = test::random_graph(rng, 40);
  EXPECT_EQ(dot_of(g), dot_of(g));
}

}  // namespace
