#include <gtest/gtest.h>

#include "tasks/scope.hpp"

namespace {

using namespace tg;

TEST(Graph, CycleThroughExplicitDepsNamesTheTasks) {
  Scope s{"cyclic"};
  auto x = s.staging("x", {4}, FP32);
  auto a = s.vector("producer", {Out(x)});
  auto b = s.vector("consumer", {In(x)});
  s.vector("extra", {}).after(b);
  // producer after consumer closes a cycle with the inferred RAW edge.
  TaskRef ref(s, a);
  ref.after(b);
  try {
    (void)s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
    FAIL() << "expected GraphError";
  } catch (const GraphError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cycle"), std::string::npos) << msg;
    EXPECT_NE(msg.find("producer#0"), std::string::npos) << msg;
    EXPECT_NE(msg.find("consumer#1"), std::string::npos) << msg;
  }
}

TEST(Graph, CsrTopologicalOrderAndLookups) {
  Scope s{"diamond"};
  auto x = s.input("x", {8}, FP32);
  auto l = s.staging("l", {8}, FP32);
  auto r = s.staging("r", {8}, FP32);
  auto y = s.output("y", {8}, FP32);
  s.vector("top", {InOut(x)});
  s.vector("left", {In(x), Out(l)});
  s.vector("right", {In(x), Out(r)});
  s.vector("bottom", {In(l), In(r), Out(y)});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  g.verify();
  EXPECT_EQ(g.successors(0).size(), 2u);
  EXPECT_EQ(g.predecessors(3).size(), 2u);
  EXPECT_EQ(g.topo_order(), (std::vector<TaskId>{0, 1, 2, 3}));
  EXPECT_EQ(&g.buffer("l"), g.find_buffer("l"));
  EXPECT_THROW((void)g.buffer("nope"), Error);
}

TEST(Graph, BadBuilderInputIsAClearError) {
  Scope s{"bad"};
  auto x = s.input("x", {8}, FP32);
  EXPECT_THROW((void)s.input("x", {8}, FP32), GraphError);
  EXPECT_THROW(s.vector("t", {In(x)}).blocks(0), GraphError);
  EXPECT_THROW(s.vector("t2", {In(x)}).after(99), GraphError);
  Scope other{"other"};
  auto foreign = other.input("f", {8}, FP32);
  EXPECT_THROW(s.vector("t3", {In(foreign)}), GraphError);
}

TEST(Graph, NestedScopesTagTasksAndBuffers) {
  Scope s{"outer"};
  auto x = s.input("x", {8}, FP32);
  {
    auto inner = s.nest("inner");
    auto t = s.staging("tmp", {8}, FP32);
    s.vector("in_inner", {In(x), Out(t)});
  }
  s.vector("in_outer", {In(x)});
  auto g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  ASSERT_EQ(g.scopes().size(), 2u);
  EXPECT_EQ(g.scopes()[1].name, "inner");
  EXPECT_EQ(g.scopes()[1].parent, 0);
  EXPECT_EQ(g.task(0).scope, 1u);
  EXPECT_EQ(g.task(1).scope, 0u);
  EXPECT_EQ(g.scope_of_buffer(g.buffer("tmp").id()), 1u);
}

}  // namespace
