#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tasks/lint.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

namespace {

using namespace tg;

std::vector<const Diagnostic*> of_rule(const std::vector<Diagnostic>& ds, std::string_view rule) {
  std::vector<const Diagnostic*> out;
  for (const auto& d : ds)
    if (d.rule == rule) out.push_back(&d);
  return out;
}

std::string all_text(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.to_string();
  return s;
}

// ---- multi-inout / in-out-overlap ---------------------------------------------------------

TEST(Lint, MultiInOutNamesTaskArgsAndOverlap) {
  Scope s{"multi"};
  auto x = s.input("x", {16, 128}, BF16);
  auto q = s.output("q_proj", {16, 96}, BF16);
  s.cube("q_head_proj", {In(x), Out(q.cols(0, 64)), InOut(q.cols(32, 64))});
  const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  const auto hits = of_rule(ds, "multi-inout");
  ASSERT_EQ(hits.size(), 1u) << all_text(ds);
  const Diagnostic& d = *hits[0];
  EXPECT_EQ(d.severity, Severity::Error);
  EXPECT_EQ(d.task, TaskId{0});
  EXPECT_EQ(d.arg, 1);
  EXPECT_EQ(d.other_arg, 2);
  EXPECT_EQ(d.buffer, "q_proj");
  ASSERT_EQ(d.regions.size(), 1u);
  EXPECT_EQ(box_to_string(d.regions[0]), "[0:16, 32:64]");
  EXPECT_EQ(d.message,
            "q_head_proj#0: arg 1 (Out q_proj[0:16, 0:64]) and arg 2 (InOut q_proj[0:16, 32:96]) both write "
            "q_proj[0:16, 32:64]; the two outputs alias, so what lands there depends on the kernel's store order");
  EXPECT_EQ(d.suggestion, "give each output its own region or buffer, or merge them into one InOut arg");
}

TEST(Lint, DisjointOutputsAreNotMultiInOut) {
  Scope s{"disjoint"};
  auto x = s.input("x", {16, 128}, BF16);
  auto q = s.output("q", {16, 128}, BF16);
  s.cube("proj", {In(x), Out(q.cols(0, 64)), InOut(q.cols(64, 64))});
  EXPECT_TRUE(of_rule(lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off})), "multi-inout").empty());
}

TEST(Lint, InAndOutOverlapUnlessOneInOut) {
  {
    Scope s{"overlap"};
    auto c = s.inout("cache", {16, 96}, FP32);
    s.vector("shift", {In(c.cols(0, 64)), Out(c.cols(32, 64))});
    const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
    const auto hits = of_rule(ds, "in-out-overlap");
    ASSERT_EQ(hits.size(), 1u) << all_text(ds);
    EXPECT_EQ(hits[0]->arg, 0);        // the reader
    EXPECT_EQ(hits[0]->other_arg, 1);  // the writer
    EXPECT_EQ(box_to_string(hits[0]->regions.at(0)), "[0:16, 32:64]");
    EXPECT_NE(hits[0]->suggestion.find("one InOut arg"), std::string::npos);
  }
  {
    Scope s{"inplace"};
    auto c = s.inout("cache", {16, 96}, FP32);
    auto other = s.inout("other", {16, 96}, FP32);
    s.vector("update", {In(c.cols(0, 32)), InOut(c.cols(32, 64)), In(other), Out(other.cols(0, 1).rows(0, 1))});
    const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
    // other: In(whole) vs Out(corner) do overlap; cache args do not.
    const auto hits = of_rule(ds, "in-out-overlap");
    ASSERT_EQ(hits.size(), 1u) << all_text(ds);
    EXPECT_EQ(hits[0]->buffer, "other");
  }
}

// ---- dataflow --------------------------------------------------------------------------------

TEST(Lint, ReadBeforeWriteNamesTheUnwrittenPart) {
  Scope s{"rbw"};
  auto x = s.input("x", {16, 64}, FP32);
  auto t = s.staging("t", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  s.vector("produce", {In(x.rows(0, 8)), Out(t.rows(0, 8))});
  s.vector("consume", {In(t), Out(y)});
  const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  const auto hits = of_rule(ds, "read-before-write");
  ASSERT_EQ(hits.size(), 1u) << all_text(ds);
  EXPECT_EQ(hits[0]->task, TaskId{1});
  EXPECT_EQ(hits[0]->arg, 0);
  ASSERT_EQ(hits[0]->regions.size(), 1u);
  EXPECT_EQ(box_to_string(hits[0]->regions[0]), "[8:16, 0:64]");
  EXPECT_EQ(ds.size(), 1u) << all_text(ds);
}

TEST(Lint, InputsAndWrittenStagingAreNotReadBeforeWrite) {
  Scope s{"ok"};
  auto x = s.input("x", {16, 64}, FP32);
  auto w = s.weight("w", {64, 64}, FP32);
  auto kv = s.inout("kv", {16, 64}, FP32);
  auto t = s.staging("t", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  for (int r = 0; r < 16; r += 4) s.vector("produce", {In(x.rows(r, 4)), In(w), Out(t.rows(r, 4))});
  s.vector("consume", {In(t), InOut(kv), Out(y)});
  EXPECT_TRUE(lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off})).empty());
}

TEST(Lint, OutputNeverWrittenNamesTheRegion) {
  {
    Scope s{"part"};
    auto x = s.input("x", {16, 128}, FP32);
    auto y = s.output("y", {16, 128}, FP32);
    s.vector("left", {In(x), Out(y.cols(0, 64))});
    const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
    const auto hits = of_rule(ds, "output-never-written");
    ASSERT_EQ(hits.size(), 1u) << all_text(ds);
    EXPECT_FALSE(hits[0]->task.has_value());
    EXPECT_EQ(hits[0]->message, "output 'y' [16, 128]: no task writes y[0:16, 64:128]");
  }
  {
    Scope s{"none"};
    s.output("q_proj", {4, 768}, BF16);
    const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
    ASSERT_EQ(of_rule(ds, "output-never-written").size(), 1u);
    EXPECT_EQ(ds[0].message, "no task writes output 'q_proj' [4, 768]");
  }
}

TEST(Lint, DeadWriteIsTheUnreadPartOnly) {
  Scope s{"dead"};
  auto x = s.input("x", {16, 64}, FP32);
  auto t = s.staging("t", {16, 64}, FP32);
  auto y = s.output("y", {8, 64}, FP32);
  s.vector("produce", {In(x), Out(t)});
  s.vector("consume", {In(t.rows(0, 8)), Out(y)});
  const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  const auto hits = of_rule(ds, "dead-write");
  ASSERT_EQ(hits.size(), 1u) << all_text(ds);
  EXPECT_EQ(hits[0]->severity, Severity::Warning);
  EXPECT_EQ(hits[0]->task, TaskId{0});
  EXPECT_EQ(hits[0]->arg, 1);
  EXPECT_EQ(box_to_string(hits[0]->regions.at(0)), "[8:16, 0:64]");
}

TEST(Lint, LostWriteNamesBothWriters) {
  Scope s{"lost"};
  auto x = s.input("x", {16, 64}, FP32);
  auto t = s.staging("t", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  s.vector("first", {In(x), Out(t.rows(4, 4))});
  s.vector("second", {In(x), Out(t)});
  s.vector("finish", {In(t), Out(y)});
  const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  const auto hits = of_rule(ds, "lost-write");
  ASSERT_EQ(hits.size(), 1u) << all_text(ds);
  EXPECT_EQ(hits[0]->task, TaskId{0});
  EXPECT_EQ(hits[0]->other_task, TaskId{1});
  EXPECT_EQ(hits[0]->other_arg, 1);
  EXPECT_EQ(hits[0]->message,
            "first#0 arg 1 (Out t[4:8, 0:64]) writes t[4:8, 0:64], which second#1 arg 1 (Out t[0:16, 0:64]) "
            "overwrites before any task reads it");
}

TEST(Lint, WriteReadWriteIsNotLost) {
  Scope s{"rw"};
  auto x = s.input("x", {16, 64}, FP32);
  auto t = s.staging("t", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  s.vector("first", {In(x), Out(t)});
  s.vector("use", {In(t), Out(y)});
  s.vector("second", {In(x), Out(t)});
  s.vector("use_again", {In(t), InOut(y)});
  EXPECT_TRUE(lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off})).empty());
}

// ---- dtype-mismatch / view-out-of-bounds -----------------------------------------------------

TEST(Lint, DtypeMismatchAgainstTheKernelContract) {
  Scope s{"dtype"};
  auto x = s.input("x", {16, 64}, BF16);
  auto y = s.output("y", {16, 64}, FP32);
  s.vector("rmsnorm", {In(x), Out(y)}).expect_dtypes({FP32, std::nullopt});
  s.vector("rmsnorm_ok", {In(x), InOut(y)}).expect_dtypes({BF16, FP32});
  const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  const auto hits = of_rule(ds, "dtype-mismatch");
  ASSERT_EQ(hits.size(), 1u) << all_text(ds);
  EXPECT_EQ(hits[0]->task, TaskId{0});
  EXPECT_EQ(hits[0]->message, "rmsnorm#0: arg 0 (In x[0:16, 0:64]) is bf16, but the task's kernel expects fp32");
}

TEST(Lint, ExpectDtypesNeedsOneEntryPerArg) {
  Scope s{"count"};
  auto x = s.input("x", {4}, BF16);
  EXPECT_THROW(s.vector("k", {In(x)}).expect_dtypes({BF16, BF16}), GraphError);
}

TEST(Lint, JsonBoxesOutsideTheirBufferAreAllReported) {
  const std::string text = R"({"name": "b", "buffers": [{"name": "y", "dtype": "fp32", "shape": [16, 128], "role": "output"}],
    "tasks": [{"name": "a", "kind": "vector", "args": [{"buffer": "y", "access": "out", "box": [[0, 16], [64, 160]]}]},
              {"name": "b", "kind": "vector", "args": [{"buffer": "y", "access": "out", "box": [[-1, 4], [0, 8]]},
                                                        {"buffer": "y", "access": "out", "frame": {"offset": 2000, "shape": [8, 8]}}]},
              {"name": "c", "kind": "vector", "args": [{"buffer": "y", "access": "out", "box": [[0, 16], [0, 64]]}]}]})";
  const auto ds = lint_scope_json_bounds(text, "b.json");
  ASSERT_EQ(ds.size(), 3u) << all_text(ds);
  EXPECT_EQ(ds[0].message,
            "b.json: tasks[0].args[0].box: a#0 arg 0 box [0:16, 64:160] lies outside buffer 'y' [16, 128] (dim 1 64:160 vs "
            "extent 128)");
  EXPECT_EQ(ds[1].task, TaskId{1});
  EXPECT_EQ(ds[1].arg, 0);
  EXPECT_EQ(ds[2].arg, 1);
  EXPECT_NE(ds[2].message.find("past the 2048 elements"), std::string::npos);
  EXPECT_THROW(parse_scope_json(text, "b.json"), ConfigError);
  EXPECT_TRUE(lint_scope_json_bounds("{ not json", "x").empty());  // left to the parser
}

// ---- buffer-capacity --------------------------------------------------------------------------

TEST(Lint, BufferCapacityNeedsAMachine) {
  Scope s{"cap"};
  auto x = s.input("x", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  auto big = s.input("big", {1024, 1024}, FP32);  // 4 MiB
  auto sink = s.output("sink", {1}, FP32);
  s.vector("declared_big", {In(x), Out(y)}).cost({1, 1, 300000, false});
  s.vector("declared_small", {In(x), InOut(y)}).cost({1, 1, 100000, false});
  s.cube("estimated_big", {In(big), Out(sink)});
  s.host("host_big", {In(big), InOut(sink)}).cost({1, 1, 1u << 30, false});
  const Graph g = s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
  EXPECT_TRUE(of_rule(lint(g), "buffer-capacity").empty());

  LintOptions options;
  options.machine = load_machine("a2a3");
  const auto ds = lint(g, options);
  const auto hits = of_rule(ds, "buffer-capacity");
  ASSERT_EQ(hits.size(), 2u) << all_text(ds);
  EXPECT_EQ(hits[0]->task, TaskId{0});
  EXPECT_EQ(hits[0]->severity, Severity::Error);
  EXPECT_EQ(hits[0]->message,
            "declared_big#0 (vector, block_num 1) declares a working set of 293.0 KiB per block, over the 184.0 KiB AIV "
            "unified buffer (usable part) of machine 'a2a3'");
  EXPECT_EQ(hits[1]->task, TaskId{2});
  EXPECT_EQ(hits[1]->severity, Severity::Info);  // an estimate, not a declared figure
  EXPECT_NE(hits[1]->message.find("AIC L1"), std::string::npos);
}

// ---- false-serialization ----------------------------------------------------------------------

TEST(Lint, FalseSerializationHint) {
  Scope s{"fs"};
  auto c = s.inout("cache", {16, 128}, FP32);
  auto y = s.output("y", {16, 96}, FP32);
  s.vector("reader", {In(c.cols(0, 96)), Out(y)});
  s.vector("writer", {Out(c.cols(64, 64))});
  const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  const auto hits = of_rule(ds, "false-serialization");
  ASSERT_EQ(hits.size(), 1u) << all_text(ds);
  EXPECT_EQ(hits[0]->severity, Severity::Info);
  EXPECT_EQ(hits[0]->task, TaskId{1});
  EXPECT_EQ(hits[0]->other_task, TaskId{0});
  EXPECT_EQ(box_to_string(hits[0]->regions.at(0)), "[0:16, 64:96]");
  EXPECT_FALSE(lint_fails(ds, /*werror=*/true));  // a hint never fails a run
}

TEST(Lint, NoFalseSerializationForTrueDependencesOrContainedRegions) {
  {
    // Data flows (RAW), even though the regions only partly overlap.
    Scope s{"raw"};
    auto x = s.input("x", {16, 128}, FP32);
    auto t = s.staging("t", {16, 128}, FP32);
    auto y = s.output("y", {16, 64}, FP32);
    s.vector("w", {In(x), Out(t)});
    s.vector("r", {In(t.cols(32, 64)), Out(y)});
    EXPECT_TRUE(of_rule(lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off})), "false-serialization").empty());
  }
  {
    // The reader reads the whole region the writer overwrites: no tiling separates them.
    Scope s{"contained"};
    auto c = s.inout("cache", {16, 128}, FP32);
    auto y = s.output("y", {16, 128}, FP32);
    s.vector("reader", {In(c), Out(y)});
    s.vector("writer", {Out(c.cols(64, 64))});
    EXPECT_TRUE(of_rule(lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off})), "false-serialization").empty());
  }
}

// ---- options and formats ----------------------------------------------------------------------

Graph buggy_graph() {
  Scope s{"buggy"};
  auto x = s.input("x", {16, 64}, FP32);
  auto t = s.staging("t", {16, 64}, FP32);
  auto c = s.inout("cache", {16, 128}, FP32);
  auto y = s.output("y", {16, 96}, FP32);
  s.vector("dead", {In(x), Out(t)});                // warning: dead-write
  s.vector("reader", {In(c.cols(0, 96)), Out(y)});  // with writer: info
  s.vector("writer", {Out(c.cols(64, 64))});
  return s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
}

TEST(Lint, SeverityWerrorDisableAndHints) {
  const Graph g = buggy_graph();
  const auto ds = lint(g);
  ASSERT_EQ(ds.size(), 2u) << all_text(ds);
  EXPECT_EQ(ds[0].rule, "dead-write");
  EXPECT_EQ(ds[1].rule, "false-serialization");
  EXPECT_FALSE(lint_fails(ds));
  EXPECT_TRUE(lint_fails(ds, /*werror=*/true));
  LintOptions quiet;
  quiet.hints = false;
  quiet.disabled = {"dead-write"};
  EXPECT_TRUE(lint(g, quiet).empty());
  LintOptions bad;
  bad.disabled = {"dead-writes"};
  EXPECT_THROW(lint(g, bad), ConfigError);
}

TEST(Lint, JsonFormatCarriesEveryField) {
  const auto ds = lint(buggy_graph());
  const auto j = nlohmann::json::parse(diagnostics_to_json(ds));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["rule"], "dead-write");
  EXPECT_EQ(j[0]["severity"], "warning");
  EXPECT_EQ(j[0]["task"], 0);
  EXPECT_EQ(j[0]["arg"], 1);
  EXPECT_EQ(j[0]["buffer"], "t");
  EXPECT_EQ(j[0]["regions"], nlohmann::json::parse("[[[0, 16], [0, 64]]]"));
  EXPECT_EQ(j[1]["other_task"], 1);
  EXPECT_FALSE(j[1]["suggestion"].get<std::string>().empty());
}

TEST(Lint, SameFindingsAfterAJsonRoundTrip) {
  const Graph g = buggy_graph();
  const auto direct = lint(g);
  const auto via_json = lint(parse_scope_json(to_scope_json(g), "buggy.json", FinalizeOptions{.lint = Lint::Off}));
  EXPECT_EQ(all_text(direct), all_text(via_json));
  EXPECT_EQ(diagnostics_to_json(direct), diagnostics_to_json(via_json));
}

TEST(Lint, PipelinedStagingRingIsClean) {
  Scope s{"ring"};
  auto x = s.input("x", {16, 512}, FP32);
  auto y = s.output("y", {16, 512}, FP32);
  auto ring = s.staging_ring("tile", 2, {16, 64}, FP32);
  s.pipeline(8, 2, [&](const PipelineStep& step) {
    s.vector("load", {In(x.cols(step.iter * 64, 64)), Out(ring[step])});
    s.vector("store", {In(ring[step]), Out(y.cols(step.iter * 64, 64))});
  });
  const auto ds = lint(s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  EXPECT_TRUE(ds.empty()) << all_text(ds);
}

// ---- the JSON fixtures: one bad and one clean file per rule, and the seed bugs -----------------

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(TG_SOURCE_DIR) / "tests" / "fixtures" / "lint" / name;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << p;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Diagnostic> lint_file(const std::string& name) {
  const std::string text = read(fixture(name));
  auto bounds = lint_scope_json_bounds(text, name);
  if (!bounds.empty()) return bounds;
  LintOptions options;
  options.machine = load_machine("a2a3");
  return lint(parse_scope_json(text, name, FinalizeOptions{.lint = Lint::Off}), options);
}

TEST(LintFixtures, EveryRuleHasABadAndACleanFile) {
  for (const auto& rule : lint_rules()) {
    const std::string id(rule.id);
    const auto bad = lint_file(id + ".bad.json");
    EXPECT_FALSE(of_rule(bad, id).empty()) << id << ".bad.json is not caught:\n" << all_text(bad);
    const auto ok = lint_file(id + ".ok.json");
    EXPECT_TRUE(ok.empty()) << id << ".ok.json is not clean:\n" << all_text(ok);
  }
}

TEST(LintFixtures, SeedMultiInOutAlias) {
  const auto ds = lint_file("seed_multi_inout_alias.json");
  const auto hits = of_rule(ds, "multi-inout");
  ASSERT_EQ(hits.size(), 2u) << all_text(ds);  // one per swa_attention task
  EXPECT_EQ(hits[0]->buffer, "attn_acc");
  EXPECT_EQ(box_to_string(hits[0]->regions.at(0)), "[0:8, 510:512]");
  EXPECT_EQ(box_to_string(hits[1]->regions.at(0)), "[8:16, 510:512]");
  EXPECT_EQ(ds.size(), 2u) << all_text(ds);
}

TEST(LintFixtures, SeedQProjReadBeforeWrite) {
  const auto ds = lint_file("seed_q_proj_read_before_write.json");
  const auto hits = of_rule(ds, "read-before-write");
  ASSERT_EQ(hits.size(), 1u) << all_text(ds);
  EXPECT_EQ(hits[0]->task, TaskId{4});
  EXPECT_EQ(hits[0]->buffer, "q_proj");
  EXPECT_EQ(box_to_string(hits[0]->regions.at(0)), "[0:4, 0:768]");
  EXPECT_NE(hits[0]->message.find("q_rope#4 arg 0"), std::string::npos);
  EXPECT_EQ(ds.size(), 1u) << all_text(ds);
}

TEST(LintFixtures, SeedDeadWriteOfRotatedValues) {
  const auto ds = lint_file("seed_dead_write_rotated.json");
  const auto hits = of_rule(ds, "dead-write");
  ASSERT_EQ(hits.size(), 3u) << all_text(ds);  // one per q_rope task
  for (const auto* d : hits) {
    EXPECT_EQ(d->buffer, "q_rot_local");
    EXPECT_EQ(d->arg, 4);
  }
  EXPECT_EQ(ds.size(), 3u) << all_text(ds);
}

}  // namespace
