// DeepSeek V4 qkv_proj_rope: golden pass (decode, prefill with a short last token tile, both
// presets), the planted bugs seen the way issue 7 asks, the pipelined K loop's WAR edges,
// SPMD block counts from the tiles, and config errors. Small dims; one real-dim run is `slow`.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <set>

#include "models/deepseek_v4/qkv_run.hpp"
#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"

namespace {

// End to end, only the scope outputs are held to their rule: a legal one-ulp difference
// upstream moves fp32 staging tensors past their tight local rules (the spec's reason for
// judging each stage locally).
bool outputs_end_to_end_pass(const tg::models::PrecisionReport& report, const tg::Graph& graph) {
  for (const auto& stage : report.stages)
    for (const auto& t : stage.end_to_end) {
      const auto* buffer = graph.find_buffer(t.tensor);
      if (buffer && buffer->role() == tg::Role::Output && !t.pass()) return false;
    }
  return true;
}

using namespace tg::models::deepseek_v4;
using tg::models::ModelOptions;
using tg::models::PrecisionReport;
using tg::models::TensorStats;

std::unique_ptr<QkvProjRopeRun> run_scope(const Config& cfg, QkvBug bug = QkvBug::none, std::uint64_t seed = 3) {
  auto run = std::make_unique<QkvProjRopeRun>(cfg, bug);
  run->graph().verify();
  run->generate_inputs(seed);
  run->run(tg::HostExecutor{2});
  return run;
}

// The local check of `tensor` in `stage` (or in the first stage that checks it).
const TensorStats& local(const PrecisionReport& r, const std::string& tensor, const std::string& stage = "") {
  for (const auto& s : r.stages)
    if (stage.empty() || s.stage == stage)
      for (const auto& t : s.local)
      if (t.tensor == tensor) return t;
  throw std::runtime_error("no local check of " + tensor);
}

void expect_pass(const QkvProjRopeRun& run) {
  const auto report = run.check();
  EXPECT_TRUE(report.pass()) << "first diverging stage " << report.first_diverging_stage().value_or("-");
  EXPECT_TRUE(outputs_end_to_end_pass(report, run.graph()));
}

TEST(V4QkvProjRope, SmallDecodeMatchesGoldenOnSeveralSeeds) {
  for (std::uint64_t seed : {1u, 3u, 7u}) {
    auto run = run_scope(make_config("flash", Mode::Decode, true), QkvBug::none, seed);
    const auto report = run->check();
    SCOPED_TRACE(seed);
    expect_pass(*run);
    ASSERT_EQ(report.stages.size(), 8u);
    // Every staging tensor and output is judged.
    std::set<std::string> judged;
    for (const auto& st : report.stages)
      for (const auto& t : st.local) judged.insert(t.tensor);
    for (const auto& b : run->graph().buffers())
      if (b->role() == tg::Role::Staging || b->role() == tg::Role::Output) {
        EXPECT_TRUE(judged.count(b->name())) << b->name();
      }
    EXPECT_EQ(local(report, "qr |d|<=1").max_abs_err, local(report, "qr").max_abs_err);
    EXPECT_LE(local(report, "qr").max_abs_err, 1.0);
  }
}

TEST(V4QkvProjRope, SmallProPresetMatchesGolden) {
  expect_pass(*run_scope(make_config("pro", Mode::Decode, true)));
}

TEST(V4QkvProjRope, PrefillWithAShortLastTokenTileMatchesGolden) {
  auto cfg = make_config("flash", Mode::Prefill, true);
  EXPECT_EQ(cfg.tokens(), 24);  // 3 vector tiles of 8, cube boxes 16 + a short 8
  expect_pass(*run_scope(cfg));
  cfg.seq = 13;                 // not a multiple of T_TILE nor of the 16-row cube box
  expect_pass(*run_scope(cfg));
}

TEST(V4QkvProjRope, SpmdBlockCountsComeFromTheTiles) {
  const auto cfg = make_config("flash", Mode::Prefill, true);
  auto run = std::make_unique<QkvProjRopeRun>(cfg, QkvBug::none);
  const auto& g = run->graph();
  const auto T = cfg.tokens(), t_tiles = (T + 7) / 8, m_boxes = (T + 15) / 16;
  for (const auto& task : g.tasks()) {
    SCOPED_TRACE(task.name);
    int expected = -1;
    if (task.name == "qr_proj") expected = static_cast<int>(m_boxes * cfg.dims.q_lora / 256);
    if (task.name == "kv_proj") expected = static_cast<int>(m_boxes * cfg.dims.head_dim / 64);
    if (task.name == "qr_rms_norm_quant" || task.name == "kv_rms_norm_rope") expected = static_cast<int>(t_tiles);
    if (task.name == "qproj_matmul" || task.name == "qproj_matmul_dequant")
      expected = static_cast<int>(t_tiles * cfg.dims.q_width() / 512);
    if (task.name == "q_head_norm" || task.name == "q_rope") expected = static_cast<int>(t_tiles * cfg.dims.heads / 4);
    if (expected >= 0) {
      EXPECT_EQ(task.block_num, expected);
    }
    EXPECT_TRUE(task.cost.has_value());
  }
}

// The two halves of wq_b_tile: loading step i+1 overlaps the matmul of step i (no path
// between them), loading step i+2 waits for it through a WAR edge on the shared half.
TEST(V4QkvProjRope, PipelinedKLoopHasWarEdgesOnThePingPongHalves) {
  auto run = std::make_unique<QkvProjRopeRun>(make_config("flash", Mode::Decode, true), QkvBug::none);
  const auto& g = run->graph();
  std::vector<tg::TaskId> loads, matmuls;
  for (const auto& t : g.tasks()) {
    if (t.name == "qproj_load_wq_b") loads.push_back(t.id);
    if (t.name.rfind("qproj_matmul", 0) == 0) matmuls.push_back(t.id);
  }
  ASSERT_EQ(loads.size(), 2u);  // Q_LORA 256 / Q_PROJ_TILE 128
  ASSERT_EQ(matmuls.size(), 2u);
  auto reaches = [&](tg::TaskId from, tg::TaskId to) {
    std::vector<bool> seen(g.num_tasks());
    std::function<bool(tg::TaskId)> dfs = [&](tg::TaskId t) {
      if (t == to) return true;
      for (auto s : g.successors(t))
        if (!seen[s] && (seen[s] = true, dfs(s))) return true;
      return false;
    };
    return dfs(from);
  };
  EXPECT_FALSE(reaches(matmuls[0], loads[1]));
  EXPECT_FALSE(reaches(loads[1], matmuls[0]));
  // With four steps the third load waits on the first matmul through a WAR edge.
  auto cfg = make_config("flash", Mode::Decode, true);
  cfg.dims.q_lora = 512;
  auto longer = std::make_unique<QkvProjRopeRun>(cfg, QkvBug::none);
  const auto& g4 = longer->graph();
  std::vector<tg::TaskId> l4, m4;
  for (const auto& t : g4.tasks()) {
    if (t.name == "qproj_load_wq_b") l4.push_back(t.id);
    if (t.name.rfind("qproj_matmul", 0) == 0) m4.push_back(t.id);
  }
  ASSERT_EQ(l4.size(), 4u);
  bool war = false;
  for (auto e : g4.in_edges(l4[2])) {
    const auto& edge = g4.edges()[e];
    if (edge.from == m4[0] && edge.kind == tg::EdgeKind::War) war = true;
  }
  EXPECT_TRUE(war) << "no WAR edge from qproj_matmul step 0 to the load of step 2";
}

// The K loop without the staging pair reads wq_b in place: the same bits, fewer tasks.
TEST(V4QkvProjRope, DirectKLoopGivesTheSameBitsAsThePipelinedOne) {
  auto cfg = make_config("flash", Mode::Decode, true);
  auto pipelined = run_scope(cfg);
  cfg.tiles.qproj_pipeline = false;
  auto direct = run_scope(cfg);
  EXPECT_LT(direct->graph().num_tasks(), pipelined->graph().num_tasks());
  expect_pass(*direct);
  for (const char* name : {"q", "kv", "qr", "qr_scale"}) {
    const auto& a = pipelined->tensor(name);
    const auto& b = direct->tensor(name);
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.bytes()), 0) << name;
  }
}

// rsqrt_approx in the per-head norm: the bf16 rule lets it through, the exact-match ratio of
// q drops, and qr and kv are bit-for-bit what the clean run gives.
TEST(V4QkvProjRope, PlantedRsqrtQHeadMovesOnlyQsExactMatchRatio) {
  const auto cfg = make_config("flash", Mode::Decode, true);
  const auto clean = run_scope(cfg)->check();
  const auto bug = run_scope(cfg, QkvBug::rsqrt_q_head)->check();
  for (const char* t : {"qr", "qr_scale", "kv"}) {
    EXPECT_EQ(local(bug, t).exact, local(clean, t).exact) << t;
    EXPECT_EQ(local(bug, t).mismatches, local(clean, t).mismatches) << t;
  }
  const std::string spec_q = "q (from the run's qr)";
  const double clean_off = 1 - local(clean, "q", spec_q).exact_ratio(), bug_off = 1 - local(bug, "q", spec_q).exact_ratio();
  // Measured at this config: 0.003% of q values off the golden bitwise when clean, 0.36% with
  // the ~14-bit estimate (the NPU saw 0.0031% -> 20.7%; its rsqrt is coarser than the model).
  EXPECT_GT(bug_off, 20 * clean_off) << "clean " << clean_off << ", rsqrt " << bug_off;
  EXPECT_GT(bug_off, 0.001);
  EXPECT_TRUE(local(bug, "q", spec_q).pass()) << "the bf16 rule alone is expected not to see it";
  EXPECT_LT(local(bug, "q", "q_head_norm").exact_ratio(), local(clean, "q", "q_head_norm").exact_ratio());
}

TEST(V4QkvProjRope, PlantedHalfSplitRopeFailsAtTheRopeStages) {
  const auto report = run_scope(make_config("flash", Mode::Decode, true), QkvBug::half_split_rope)->check();
  EXPECT_EQ(report.first_diverging_stage().value_or("-"), "q_rope");
  EXPECT_TRUE(local(report, "q", "q_head_norm").pass());
  EXPECT_FALSE(local(report, "q", "q_rope").pass());
  EXPECT_FALSE(local(report, "kv").pass());
  EXPECT_TRUE(local(report, "qr").pass());
}

// The extra bf16 hop moves qr codes (about 0.7% of them): the report names the stage.
TEST(V4QkvProjRope, PlantedBf16BeforeQuantMovesQrCodes) {
  const auto cfg = make_config("flash", Mode::Prefill, true);
  const auto clean = run_scope(cfg)->check();
  const auto bug = run_scope(cfg, QkvBug::bf16_before_quant)->check();
  EXPECT_GT(local(bug, "qr").mismatches, 4 * local(clean, "qr").mismatches + 10);
  EXPECT_EQ(bug.first_diverging_stage().value_or("-"), "qr_rms_norm_quant");
}

TEST(V4QkvProjRope, BadConfigsAreClearErrors) {
  EXPECT_THROW(make_config("ultra", Mode::Decode), tg::ConfigError);
  EXPECT_THROW(parse_mode("train"), tg::ConfigError);
  EXPECT_THROW(parse_qkv_bug("no-such-bug"), tg::ConfigError);
  auto cfg = make_config("flash", Mode::Decode, true);
  cfg.dims.q_lora = 300;
  EXPECT_THROW(cfg.validate(), tg::ConfigError);
  ModelOptions options;
  options.config = "tiny";
  EXPECT_THROW(QkvProjRopeRun::make(options), tg::ConfigError);
}

}  // namespace
