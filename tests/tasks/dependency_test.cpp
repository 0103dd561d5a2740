#include <gtest/gtest.h>

#include "tasks/edge_region.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

const Edge* find_edge(const Graph& g, TaskId from, TaskId to) {
  for (const auto& e : g.edges())
    if (e.from == from && e.to == to) return &e;
  return nullptr;
}

TEST(Dependencies, RawEdgeCarriesBufferAndRegion) {
  Scope s{"raw"};
  auto t = s.staging("t", {16, 128}, FP32);
  auto w = s.vector("write", {Out(t.cols(0, 64))});
  auto r = s.vector("read", {In(t.cols(32, 64))});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  ASSERT_EQ(g.edges().size(), 1u);
  const Edge* e = find_edge(g, w, r);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, EdgeKind::Raw);
  EXPECT_EQ(g.buffers()[e->buffer]->name(), "t");
  EXPECT_EQ(box_to_string(edge_region(g, *e).value()), "[0:16, 32:64]");
  EXPECT_EQ(e->from_arg, 0);
  EXPECT_EQ(e->to_arg, 0);
}

TEST(Dependencies, WarOnlyCase) {
  // Two readers of an input, then a writer: readers stay concurrent, the writer waits for
  // both with WAR edges, and nothing else.
  Scope s{"war"};
  auto x = s.inout("x", {8, 8}, FP32);
  auto r1 = s.vector("read1", {In(x.rows(0, 4))});
  auto r2 = s.vector("read2", {In(x.rows(2, 4))});
  auto w = s.vector("write", {Out(x.rows(3, 2))});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  EXPECT_EQ(g.edges().size(), 2u);
  EXPECT_EQ(find_edge(g, r1, r2), nullptr);
  ASSERT_NE(find_edge(g, r1, w), nullptr);
  ASSERT_NE(find_edge(g, r2, w), nullptr);
  EXPECT_EQ(find_edge(g, r1, w)->kind, EdgeKind::War);
  EXPECT_EQ(box_to_string(edge_region(g, *find_edge(g, r1, w)).value()), "[3:4, 0:8]");
  EXPECT_EQ(box_to_string(edge_region(g, *find_edge(g, r2, w)).value()), "[3:5, 0:8]");
}

TEST(Dependencies, DisjointSlicesGetNoEdge) {
  Scope s{"disjoint"};
  auto t = s.staging("t", {16, 1536}, FP32);
  for (int c = 0; c < 24; ++c) s.cube("tile", {Out(t.cols(c * 64, 64))});
  for (int c = 0; c < 24; ++c) s.cube("tile_again", {InOut(t.cols(c * 64, 64))});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  // Only tile c -> tile_again c; no serialization between different column tiles.
  ASSERT_EQ(g.edges().size(), 24u);
  for (const auto& e : g.edges()) {
    EXPECT_EQ(e.to, e.from + 24);
    EXPECT_EQ(e.kind, EdgeKind::Raw);
  }
}

TEST(Dependencies, PartialOverlapGetsAnEdge) {
  Scope s{"partial"};
  auto t = s.staging("t", {16, 128}, FP32);
  auto a = s.vector("a", {Out(t.cols(0, 65))});
  auto b = s.vector("b", {Out(t.cols(64, 64))});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(find_edge(g, a, b)->kind, EdgeKind::Waw);
  EXPECT_EQ(box_to_string(edge_region(g, *find_edge(g, a, b)).value()), "[0:16, 64:65]");
}

TEST(Dependencies, ReshapedViewsOverlapExactly) {
  // The 7% error of the reference stack: a WAR race through two reshape views of one buffer.
  Scope s{"reshape"};
  auto q = s.staging("q", {4, 24}, FP32);
  auto per_head = q.reshape({16, 6});
  auto r = s.vector("read_rope_cols", {In(per_head.cols(4, 2))});
  auto w_disjoint = s.vector("write_nope_cols", {Out(per_head.cols(0, 4))});
  auto w_overlap = s.vector("write_row", {Out(q.rows(1, 1))});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  EXPECT_EQ(find_edge(g, r, w_disjoint), nullptr);
  ASSERT_NE(find_edge(g, r, w_overlap), nullptr);
  EXPECT_EQ(find_edge(g, r, w_overlap)->kind, EdgeKind::War);
  ASSERT_NE(find_edge(g, w_disjoint, w_overlap), nullptr);
  EXPECT_EQ(find_edge(g, w_disjoint, w_overlap)->kind, EdgeKind::Waw);
}

TEST(Dependencies, InOutTaskNeverDependsOnItselfAndNoDepOptsOut) {
  Scope s{"self"};
  auto t = s.staging("t", {4, 4}, FP32);
  auto a = s.vector("a", {In(t), Out(t)});
  auto b = s.vector("b", {NoDep(InOut(t))});
  auto c = s.vector("c", {In(t)});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_NE(find_edge(g, a, c), nullptr);
  EXPECT_EQ(find_edge(g, b, c), nullptr);
}

TEST(Dependencies, ExplicitAfterEdge) {
  Scope s{"explicit"};
  auto x = s.staging("x", {4}, FP32);
  auto y = s.staging("y", {4}, FP32);
  auto a = s.vector("a", {Out(x)});
  auto b = s.vector("b", {Out(y)}).after(a);
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(find_edge(g, a, b)->kind, EdgeKind::Explicit);
  EXPECT_FALSE(edge_region(g, *find_edge(g, a, b)).has_value());  // an after() edge has no region
}

// The record is five words; its region is the two arguments' overlap, recomputed.
TEST(Dependencies, EdgeRegionIsRecomputedFromTheArguments) {
  static_assert(sizeof(Edge) <= 24, "an Edge holds no region");
  Scope s{"reshaped"};
  auto t = s.staging("t", {4, 8}, FP32);
  auto w = s.vector("write", {Out(t.rows(1, 2))});
  auto r = s.vector("read", {In(t.reshape({32}).slice({12}, {8}))});  // flat 12..20: rows 1..2, partly
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  const Edge* e = find_edge(g, w, r);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, EdgeKind::Raw);
  // Not a box on the reader's side: the first overlapping box of the decompositions.
  EXPECT_EQ(box_to_string(edge_region(g, *e).value()), "[1:2, 4:8]");
}

TEST(Dependencies, ManyTilesKeepLiveRegionsBounded) {
  Scope s{"grid"};
  auto t = s.staging("t", {256, 256}, FP32);
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 16; ++i)
      for (int j = 0; j < 16; ++j) s.vector("rw", {InOut(t.slice({i * 16, j * 16}, {16, 16}))});
  EXPECT_EQ(s.live_regions(), 256u);
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  EXPECT_EQ(g.edges().size(), 512u);
  g.verify();
}

}  // namespace
