// The V4 scopes at the host tiling (qkv_proj_rope decode and prefill, SWA attention): every
// tensor both tilings write is bit-identical to the reference tiling's, for every mode and
// preset at small dims and on every CPU path this machine has; the golden check passes; the
// graph has fewer, larger tasks on weights packed once when the inputs are bound; bad modes
// are ConfigErrors; the reference stays the default.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>

#include "kernels/cpu_path.hpp"
#include "models/deepseek_v4/qkv_run.hpp"
#include "models/deepseek_v4/swa_run.hpp"
#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"

namespace {

using tg::models::ModelOptions;
using tg::models::ModelRun;
using namespace tg::models::deepseek_v4;

ModelOptions small_options(const std::string& preset, const std::string& mode) {
  ModelOptions options;
  options.config = "small";
  options.preset = preset;
  options.mode = mode;
  return options;
}

template <class Run> std::unique_ptr<Run> run_small(const ModelOptions& options, std::uint64_t seed, int threads = 2) {
  auto run = Run::make(options);
  run->graph().verify();
  run->generate_inputs(seed);
  run->validate_inputs();
  run->run(tg::HostExecutor{threads});
  return run;
}

// Every non-input tensor of the host graph (outputs and the staging both tilings keep) byte
// for byte against the reference run; returns how many were compared.
int expect_same_bits(const ModelRun& reference, const ModelRun& host, const std::string& what) {
  int compared = 0;
  for (const auto& buffer : host.graph().buffers()) {
    if (buffer->role() == tg::Role::Input || buffer->role() == tg::Role::Weight) continue;
    const auto& a = reference.tensor(buffer->name());
    const auto& b = host.tensor(buffer->name());
    EXPECT_EQ(a.bytes(), b.bytes()) << what << ": " << buffer->name();
    if (a.bytes() != b.bytes()) continue;
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.bytes())) << what << ": " << buffer->name() << " differs";
    ++compared;
  }
  return compared;
}

int blocks_of(const tg::Graph& g) {
  int blocks = 0;
  for (const auto& task : g.tasks()) blocks += task.block_num;
  return blocks;
}

TEST(V4HostTilingTest, QkvBitIdenticalToTheReferenceInEveryModeAndPresetAndPassesTheGolden) {
  for (const char* preset : {"flash", "pro"})
    for (const auto& [reference_mode, host_mode] : {std::pair{"decode", "host-decode"}, std::pair{"prefill", "host-prefill"}})
      for (std::uint64_t seed : {1u, 42u}) {
        const std::string what = std::string(preset) + " " + host_mode + " seed " + std::to_string(seed);
        auto reference = run_small<QkvProjRopeRun>(small_options(preset, reference_mode), seed);
        auto host = run_small<QkvProjRopeRun>(small_options(preset, host_mode), seed);
        EXPECT_EQ(reference->config().tiling, Tiling::reference);
        EXPECT_EQ(host->config().tiling, Tiling::host);
        EXPECT_EQ(reference->config().mode, host->config().mode);
        // q, kv, qr, qr_scale and the split-K partials.
        EXPECT_EQ(expect_same_bits(*reference, *host, what), 6) << what;
        const auto report = host->check();
        EXPECT_TRUE(report.pass()) << what << ": first diverging stage " << report.first_diverging_stage().value_or("-");
      }
}

TEST(V4HostTilingTest, SwaBitIdenticalToTheReferenceInEveryPresetAndPassesTheGolden) {
  for (const char* preset : {"flash", "pro"})
    for (std::uint64_t seed : {1u, 42u}) {
      const std::string what = std::string(preset) + " host seed " + std::to_string(seed);
      auto reference = run_small<SwaAttentionRun>(small_options(preset, "decode"), seed);
      auto host = run_small<SwaAttentionRun>(small_options(preset, "host"), seed);
      EXPECT_EQ(host->config().tiling, Tiling::host);
      // attn_out and the staging kv_window, o, o_r, o_r_i8, o_r_scale_dq.
      EXPECT_EQ(expect_same_bits(*reference, *host, what), 6) << what;
      const auto report = host->check();
      EXPECT_TRUE(report.pass()) << what << ": first diverging stage " << report.first_diverging_stage().value_or("-");
    }
}

TEST(V4HostTilingTest, BitIdenticalOnEveryCpuPathOfThisMachine) {
  for (const auto path : {tg::kernels::CpuPath::scalar, tg::kernels::CpuPath::avx2, tg::kernels::CpuPath::avx512}) {
    if (!tg::kernels::cpu_path_supported(path)) {
      // Said, never silent; not GTEST_SKIP: the paths this CPU has are checked in the same test.
      std::printf("cpu path %s: not checked, this CPU lacks it\n", std::string(tg::kernels::name_of(path)).c_str());
      continue;
    }
    const std::string what(tg::kernels::name_of(path));
    tg::kernels::ScopedCpuPath forced(path);
    expect_same_bits(*run_small<QkvProjRopeRun>(small_options("flash", "prefill"), 3, 1),
                     *run_small<QkvProjRopeRun>(small_options("flash", "host-prefill"), 3, 1), what + " qkv");
    expect_same_bits(*run_small<SwaAttentionRun>(small_options("pro", "decode"), 3, 1),
                     *run_small<SwaAttentionRun>(small_options("pro", "host"), 3, 1), what + " swa");
  }
}

TEST(V4HostTilingTest, AShortLastTokenBlockAndAPlantedBugKeepTheBits) {
  // T = 3 * 24 = 72 is not a multiple of the reference's 8-row tiles' host counterpart at
  // token_rows 32: the host blocks end in a short one.
  auto options = small_options("flash", "prefill");
  options.batch = 3;
  options.plant_bug = "half-split-rope";
  auto reference_run = QkvProjRopeRun::make(options);
  options.mode = "host-prefill";
  auto cfg = QkvProjRopeRun::make(options)->config();
  cfg.host.token_rows = 32;
  QkvProjRopeRun host(cfg, QkvBug::half_split_rope);
  for (ModelRun* run : {static_cast<ModelRun*>(reference_run.get()), static_cast<ModelRun*>(&host)}) {
    run->generate_inputs(9);
    run->run(tg::HostExecutor{2});
  }
  EXPECT_EQ(host.config().tokens(), 72);
  EXPECT_EQ(expect_same_bits(*reference_run, host, "T 72, token_rows 32, half-split-rope"), 6);
  EXPECT_FALSE(host.check().pass()) << "the planted bug must show at the host tiling too";
}

TEST(V4HostTilingTest, FewerLargerBlocksOnWeightsPackedOnceWhenBound) {
  auto reference = run_small<QkvProjRopeRun>(small_options("pro", "prefill"), 5);
  auto host = run_small<QkvProjRopeRun>(small_options("pro", "host-prefill"), 5);
  // The K loop's 2 loads + 2 steps, q_head_norm and q_rope become one task.
  EXPECT_EQ(host->graph().num_tasks(), reference->graph().num_tasks() - 5);
  EXPECT_LT(blocks_of(host->graph()), blocks_of(reference->graph()) / 4);
  EXPECT_EQ(reference->packing_ms(), 0.0);
  EXPECT_GT(host->packing_ms(), 0.0);
  for (const char* staged : {"q_acc", "q_full", "q_pe_normed"}) {
    EXPECT_NE(reference->graph().find_buffer(staged), nullptr) << staged;
    EXPECT_EQ(host->graph().find_buffer(staged), nullptr) << staged << " stays in the host blocks' scratch";
  }
  // Weights written after binding without packing again: the run refuses stale packs.
  auto moved = QkvProjRopeRun::make(small_options("pro", "host-decode"));
  moved->generate_inputs(5);
  tg::Tensor other("wq_b", tg::INT8, moved->tensor("wq_b").shape());
  moved->bindings().bind("wq_b", other);
  EXPECT_THROW(moved->run(tg::HostExecutor{1}), tg::Error);

  auto swa_reference = run_small<SwaAttentionRun>(small_options("flash", "decode"), 5);
  auto swa_host = run_small<SwaAttentionRun>(small_options("flash", "host"), 5);
  // 34 blocks -> 21 at small dims (the 8 per-token gathers stay); 176 -> 72 at flash full dims.
  EXPECT_EQ(blocks_of(swa_reference->graph()), 34);
  EXPECT_EQ(blocks_of(swa_host->graph()), 21);
}

TEST(V4HostTilingTest, ModesAreParsedAndTheReferenceStaysTheDefault) {
  EXPECT_EQ(QkvProjRopeRun::make(small_options("flash", ""))->config().tiling, Tiling::reference);
  EXPECT_EQ(SwaAttentionRun::make(small_options("flash", ""))->config().tiling, Tiling::reference);
  const auto host = QkvProjRopeRun::make(small_options("flash", "host"));
  EXPECT_EQ(host->config().tiling, Tiling::host);
  EXPECT_EQ(host->config().mode, Mode::Decode);
  EXPECT_NE(host->summary().find("host tiling"), std::string::npos) << host->summary();
  for (const char* bad : {"host-train", "hostprefill", "fused"}) {
    try {
      QkvProjRopeRun::make(small_options("flash", bad));
      ADD_FAILURE() << bad << " was accepted";
    } catch (const tg::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("host-prefill"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(SwaAttentionRun::make(small_options("flash", "host-prefill")), tg::ConfigError);
  auto cfg = make_config("flash", Mode::Decode, true);
  cfg.tiling = Tiling::host;
  cfg.host.qproj_heads = 3;  // 16 heads
  EXPECT_THROW(cfg.validate(), tg::ConfigError);
}

TEST(V4HostTilingTest, SwaOProjAOfAGroupWaitsOnlyForItsHeadsAttention) {
  // Full flash dims, graph only: 64 heads in attention tiles of 16, 8 groups of 8 heads. Each
  // host o_proj_a task (a group x O_LORA tile) waits for the T attention tasks of the head
  // tile holding its group, not for every attention block, so it can stream wo_a while the
  // other heads' attention runs; the reference keeps one SPMD task per stage.
  ModelOptions options;
  options.mode = "host";
  const tg::Graph host = SwaAttentionRun::graph_of(options);
  const auto cfg = SwaAttentionRun::config_of(options);
  int projections = 0;
  for (tg::TaskId t = 0; t < host.num_tasks(); ++t) {
    if (host.task(t).name != "o_proj_a") continue;
    ++projections;
    std::set<tg::TaskId> attention;
    for (const tg::TaskId p : host.predecessors(t)) {
      EXPECT_EQ(host.task(p).name, "swa_attention") << "o_proj_a task " << t;
      attention.insert(p);
    }
    EXPECT_EQ(attention.size(), static_cast<std::size_t>(cfg.tokens())) << "o_proj_a task " << t;
  }
  EXPECT_EQ(projections, cfg.dims.o_groups * (cfg.dims.o_lora / cfg.host.o_lora_tile));
  options.mode = "decode";
  EXPECT_EQ(SwaAttentionRun::graph_of(options).num_tasks(), 5u);
}

}  // namespace
