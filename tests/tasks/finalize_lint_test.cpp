// finalize() lints: each error rule throws LintError with its rule id and task in what(),
// the fields name the first error; Lint::Off builds the graph; warnings and infos stay on
// the graph as a compact summary. The graphs are the smallest that trigger each rule.
#include <gtest/gtest.h>

#include <functional>

#include "tasks/lint.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

struct Case {
  const char* rule;
  const char* task;  // the label what() must name
  std::function<void(Scope&)> build;
};

const std::vector<Case>& error_cases() {
  static const std::vector<Case> cases = {
      {"multi-inout", "q_head_proj#0",
       [](Scope& s) {
         auto q = s.output("q_proj", {16, 128}, FP32);
         s.cube("q_head_proj", {Out(q.cols(0, 64)), InOut(q.cols(32, 64))});
         s.vector("rest", {Out(q.cols(96, 32))});
       }},
      {"in-out-overlap", "shift#0",
       [](Scope& s) {
         auto x = s.output("x", {16, 128}, FP32);
         s.vector("shift", {In(x.cols(0, 64)), Out(x.cols(32, 96))});
         s.vector("rest", {Out(x.cols(0, 32))});
       }},
      {"dtype-mismatch", "cast#0",
       [](Scope& s) {
         auto x = s.input("x", {4, 4}, FP32);
         auto y = s.output("y", {4, 4}, BF16);
         s.vector("cast", {In(x), Out(y)}).expect_dtypes({BF16, BF16});
       }},
      {"write-to-input", "scale#0",
       [](Scope& s) {
         auto x = s.input("x", {4, 4}, FP32);
         auto y = s.output("y", {4, 4}, FP32);
         s.vector("scale", {InOut(x)});
         s.vector("copy", {In(x), Out(y)});
       }},
      {"read-before-write", "consume#1",
       [](Scope& s) {
         auto x = s.input("x", {16, 64}, FP32);
         auto t = s.staging("t", {16, 64}, FP32);
         auto y = s.output("y", {16, 64}, FP32);
         s.vector("produce", {In(x), Out(t.rows(0, 8))});
         s.vector("consume", {In(t), Out(y)});
       }},
      {"output-never-written", "",
       [](Scope& s) {
         auto x = s.input("x", {16, 64}, FP32);
         auto y = s.output("y", {16, 64}, FP32);
         s.vector("half", {In(x), Out(y.cols(0, 32))});
       }},
  };
  return cases;
}

TEST(FinalizeLint, EveryErrorRuleThrowsNamingRuleAndTask) {
  for (const auto& c : error_cases()) {
    Scope s{c.rule};
    c.build(s);
    try {
      (void)s.finalize();
      ADD_FAILURE() << c.rule << ": expected LintError";
    } catch (const LintError& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.rule(), c.rule) << what;
      EXPECT_NE(what.find(std::string("[") + c.rule + "]"), std::string::npos) << what;
      EXPECT_NE(what.find(c.task), std::string::npos) << c.rule << ": " << what;
      EXPECT_EQ(e.context().task, c.task) << c.rule;
      EXPECT_EQ(e.context().scope, c.rule);
      EXPECT_FALSE(e.context().buffer.empty()) << c.rule;
      EXPECT_FALSE(e.diagnostics().empty());
      EXPECT_EQ(e.diagnostics().front().severity, Severity::Error) << "errors come first";
    }
  }
}

TEST(FinalizeLint, OptOutBuildsTheGraphAndLintStillFindsTheBug) {
  for (const auto& c : error_cases()) {
    Scope s{c.rule};
    c.build(s);
    const Graph g = s.finalize({.lint = Lint::Off});
    EXPECT_FALSE(g.lint_summary().ran());
    const auto diagnostics = lint(g);
    EXPECT_TRUE(std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) { return d.rule == c.rule; }))
        << c.rule;
  }
}

TEST(FinalizeLint, WarningsStayOnTheGraphCompactly) {
  // 10^4 dead writes: the summary counts them all and keeps three.
  Scope s{"dead"};
  auto x = s.input("x", {1, 4}, FP32);
  auto y = s.output("y", {1, 4}, FP32);
  s.vector("out", {In(x), Out(y)});
  for (int i = 0; i < 10000; ++i) {
    auto t = s.staging("t" + std::to_string(i), {1, 4}, FP32);
    s.vector("dead", {In(x), Out(t)});
  }
  const Graph g = s.finalize();
  const LintSummary& summary = g.lint_summary();
  EXPECT_TRUE(summary.ran());
  EXPECT_EQ(summary.count("dead-write"), 10000u);
  EXPECT_EQ(summary.count(Severity::Warning), 10000u);
  EXPECT_EQ(summary.count(Severity::Error), 0u);
  ASSERT_EQ(summary.rules().size(), 1u);
  EXPECT_EQ(summary.rules()[0].first.size(), LintSummary::kKeptPerRule);
  EXPECT_EQ(summary.to_string(), "10000 warnings (dead-write 10000)");
}

TEST(FinalizeLint, ACleanGraphIsClean) {
  Scope s{"clean"};
  auto x = s.input("x", {4, 4}, FP32);
  auto t = s.staging("t", {4, 4}, FP32);
  auto y = s.output("y", {4, 4}, FP32);
  s.vector("a", {In(x), Out(t)});
  s.vector("b", {In(t), Out(y)});
  EXPECT_EQ(s.finalize().lint_summary().to_string(), "clean");
}

TEST(FinalizeLint, ABadSliceInASubmitNamesTheTask) {
  Scope s{"slices"};
  auto w = s.weight("wq_b", {1536, 7168}, BF16);
  auto y = s.output("y", {16, 64}, FP32);
  try {
    s.cube("q_head_proj", {In(w.cols(7150, 64)), Out(y)});
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("task 'q_head_proj#0': arg 0: slice [0:1536, 7150:7214] of wq_b", 0), 0u) << what;
    EXPECT_NE(what.find("out of bounds"), std::string::npos) << what;
    EXPECT_EQ(e.context().task, "q_head_proj#0");
    EXPECT_EQ(e.context().task_id, 0u);
    EXPECT_EQ(e.context().arg, 0);
    EXPECT_EQ(e.context().buffer, "wq_b");
    EXPECT_EQ(e.context().region, "[0:1536, 7150:7214]");
    EXPECT_EQ(e.context().scope, "slices");
  }
  EXPECT_EQ(s.num_tasks(), 0u) << "a refused submit adds no task";
}

// A View points at its Buffer; the graph a failed finalize() built dies with the exception,
// so the scope keeps the buffers it handed out (ASan reports a use-after-free without it).
TEST(FinalizeLint, ViewsOutliveAFinalizeThatThrows) {
  Scope s{"kept"};
  auto x = s.output("x", {16, 128}, FP32);
  s.vector("shift", {In(x.cols(0, 64)), Out(x.cols(32, 96))});
  EXPECT_THROW(s.finalize(), LintError);
  EXPECT_EQ(x.buffer().name(), "x");
  EXPECT_EQ(x.buffer().shape(), (Shape{16, 128}));
  EXPECT_EQ(x.cols(0, 64).sizes(), (Shape{16, 64}));
}

}  // namespace
