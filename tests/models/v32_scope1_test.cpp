// DeepSeek V3.2 decode scope 1 at the spec's small config: golden pass on several seeds,
// caches frozen outside the written rows, planted bugs named as the first diverging stage,
// lint on the skipped projection, bad configs and inputs, the dump / --inputs round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>

#include "models/common/inputs.hpp"
#include "models/common/registry.hpp"
#include "models/deepseek_v3_2/golden.hpp"
#include "models/deepseek_v3_2/scope1_run.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/lint.hpp"

namespace {

using tg::models::ModelOptions;
using tg::models::deepseek_v3_2::Scope1Config;
using tg::models::deepseek_v3_2::Scope1Run;

ModelOptions options(const std::string& config, const std::string& bug = "", std::int64_t batch = 0) {
  ModelOptions o;
  o.config = config;
  o.plant_bug = bug;
  o.batch = batch;
  return o;
}

std::unique_ptr<Scope1Run> run_small(std::uint64_t seed, const std::string& bug = "", bool spmd = true) {
  auto config = Scope1Config::small();
  config.spmd_projections = spmd;
  const auto planted = tg::models::deepseek_v3_2::parse_scope1_bug(bug);
  // A planted bug makes a graph lint refuses: build it anyway, as `run --plant-bug` does.
  auto run = std::make_unique<Scope1Run>(config, planted, bug.empty() ? tg::Lint::On : tg::Lint::Off);
  run->graph().verify();
  run->generate_inputs(seed);
  run->validate_inputs();
  tg::HostExecutor host{2};
  run->run(host);
  return run;
}

TEST(V32Scope1Test, SmallConfigMatchesGoldenOnSeveralSeeds) {
  for (std::uint64_t seed : {1u, 2u, 3u, 42u}) {
    auto run = run_small(seed);
    const auto report = run->check();
    EXPECT_TRUE(report.pass()) << "seed " << seed << ": first diverging stage " << report.first_diverging_stage().value_or("-");
    ASSERT_EQ(report.stages.size(), 9u);
    EXPECT_EQ(report.stages.front().stage, "input_rmsnorm");
    EXPECT_EQ(report.stages.back().stage, "q_split");
    // Every staging tensor and output is judged.
    std::set<std::string> judged;
    for (const auto& s : report.stages)
      for (const auto& t : s.local) judged.insert(t.tensor);
    for (const auto& b : run->graph().buffers())
      if (b->role() == tg::Role::Staging || b->role() == tg::Role::Output || b->role() == tg::Role::InOut) {
        EXPECT_TRUE(judged.count(b->name())) << b->name() << " is not checked";
      }
  }
}

TEST(V32Scope1Test, CacheRowsOtherThanTheWrittenOnesAreBitIdentical) {
  auto run = run_small(5);
  const auto& c = run->config();
  const auto seq_lens = tg::models::to_ints(run->tensor("seq_lens"));
  const auto rows = tg::models::deepseek_v3_2::golden::written_cache_rows(c, seq_lens);
  for (const char* name : {"kv_cache", "pe_cache"}) {
    const auto& buffer = run->tensor(name);
    const auto row_len = static_cast<std::size_t>(buffer.shape()[1]);
    const auto before = run->before_run(name);
    const auto after = tg::models::to_floats(buffer);
    std::int64_t changed_rows = 0;
    for (std::int64_t r = 0; r < buffer.shape()[0]; ++r) {
      const bool written = std::find(rows.begin(), rows.end(), r) != rows.end();
      const auto at = static_cast<std::size_t>(r) * row_len;
      const bool same = std::memcmp(&before[at], &after[at], row_len * sizeof(float)) == 0;
      if (!written) {
        EXPECT_TRUE(same) << name << " row " << r << " changed but was not written";
      }
      changed_rows += !same;
    }
    EXPECT_EQ(changed_rows, c.batch) << name << ": each batch row writes exactly its own cache row";
  }
}

TEST(V32Scope1Test, SpmdAndPerTileEmissionGiveIdenticalBits) {
  auto spmd = run_small(9, "", true), tiles = run_small(9, "", false);
  EXPECT_GT(tiles->graph().num_tasks(), spmd->graph().num_tasks());
  for (const char* name : {"q_nope_out", "q_pe_out", "qr_out", "kv_cache", "pe_cache"}) {
    const auto& a = spmd->tensor(name);
    EXPECT_EQ(0, std::memcmp(a.data(), tiles->tensor(name).data(), a.bytes())) << name;
  }
}

TEST(V32Scope1Test, TasksAreTheSpecStagesWithCostHints) {
  const std::set<std::string> stages = {"input_rmsnorm", "q_lora_proj", "q_lora_rmsnorm", "q_head_proj",
                                        "q_head_proj_write", "kv_a_proj", "kv_a_write", "q_rope",
                                        "kv_rmsnorm", "decode_cache_write", "q_split"};
  for (bool spmd : {true, false}) {
    auto config = Scope1Config::small();
    config.spmd_projections = spmd;
    Scope1Run run(config, {});
    std::set<std::string> seen;
    for (const auto& task : run.graph().tasks()) {
      EXPECT_TRUE(stages.count(task.name)) << task.name;
      seen.insert(task.name);
      ASSERT_TRUE(task.cost.has_value()) << task.label();
      EXPECT_GT(task.cost->bytes, 0) << task.label();
      EXPECT_GT(task.cost->working_set_bytes, 0u) << task.label();
      if (task.kind == tg::TaskKind::Cube) {
        EXPECT_GT(task.cost->flops, 0) << task.label();
      }
    }
    EXPECT_EQ(seen, stages);
  }
  // Per-tile emission: one cube task per output tile of each projection.
  auto config = Scope1Config::small();
  config.spmd_projections = false;
  Scope1Run run(config, {});
  const auto count = [&](const std::string& name) {
    return std::count_if(run.graph().tasks().begin(), run.graph().tasks().end(), [&](const tg::Task& t) { return t.name == name; });
  };
  EXPECT_EQ(count("q_lora_proj"), config.q_lora_rank / config.lora_tile);
  EXPECT_EQ(count("q_head_proj"), config.q_proj_cols() / config.q_out_tile);
  EXPECT_EQ(count("kv_a_proj"), config.kv_a_out() / config.kv_out_tile);
}

// The spec's fusion note: q_rope and decode_cache_write re-read seq_lens and cos / sin per b;
// nothing orders one after the other, so a fused per-b task is legal.
TEST(V32Scope1Test, QRopeAndCacheWriteAreIndependentSoTheyMayFuse) {
  Scope1Run run(Scope1Config::small(), {});
  const auto& g = run.graph();
  auto find = [&](const std::string& name) {
    for (const auto& t : g.tasks())
      if (t.name == name) return t.id;
    ADD_FAILURE() << name << " missing";
    return tg::TaskId{0};
  };
  const auto rope = find("q_rope"), cache = find("decode_cache_write");
  // Reachability from each to the other over the graph's successors.
  auto reaches = [&](tg::TaskId from, tg::TaskId to) {
    std::vector<tg::TaskId> stack{from};
    std::set<tg::TaskId> seen;
    while (!stack.empty()) {
      const auto t = stack.back();
      stack.pop_back();
      if (t == to) return true;
      for (auto s : g.successors(t))
        if (seen.insert(s).second) stack.push_back(s);
    }
    return false;
  };
  EXPECT_FALSE(reaches(rope, cache));
  EXPECT_FALSE(reaches(cache, rope));
}

TEST(V32Scope1Test, FusedPerBatchTailGivesIdenticalBitsAndLintsClean) {
  auto staged = run_small(8);
  auto config = Scope1Config::small();
  config.fuse_per_batch_tail = true;
  Scope1Run fused(config, {});
  fused.generate_inputs(8);
  tg::HostExecutor host{2};
  fused.run(host);
  EXPECT_EQ(fused.graph().num_tasks() + 2, staged->graph().num_tasks());
  EXPECT_EQ(fused.graph().find_buffer("q_roped"), nullptr) << "no staging tensor that nothing reads";
  for (const char* name : {"q_nope_out", "q_pe_out", "qr_out", "kv_cache", "pe_cache"}) {
    const auto& a = staged->tensor(name);
    EXPECT_EQ(0, std::memcmp(a.data(), fused.tensor(name).data(), a.bytes())) << name;
  }
  const auto report = fused.check();
  EXPECT_TRUE(report.pass());
  EXPECT_EQ(report.stages.size(), 8u);  // q_rope and q_split judged together
  for (const auto& d : tg::lint(fused.graph())) EXPECT_EQ(d.severity, tg::Severity::Info) << d.to_string();
  EXPECT_THROW(Scope1Run::make([] { auto o = options("small"); o.mode = "prefill"; return o; }()), tg::ConfigError);
}

TEST(V32Scope1Test, RmsnormVarianceBugDivergesAtInputRmsnorm) {
  const auto report = run_small(1, "rmsnorm-variance")->check();
  EXPECT_EQ(report.first_diverging_stage(), "input_rmsnorm");
}

TEST(V32Scope1Test, SkippedQProjDivergesAtQHeadProjAndLintFlagsIt) {
  auto run = run_small(1, "skip-q-proj");
  EXPECT_EQ(run->check().first_diverging_stage(), "q_head_proj");
  const auto diagnostics = tg::lint(run->graph());
  const auto it = std::find_if(diagnostics.begin(), diagnostics.end(),
                               [](const tg::Diagnostic& d) { return d.rule == "read-before-write" && d.buffer == "q_proj"; });
  ASSERT_NE(it, diagnostics.end()) << "lint must flag q_proj as read before written";
  EXPECT_EQ(it->severity, tg::Severity::Error);
  EXPECT_EQ(run->graph().task(*it->task).name, "q_rope");
  // The correct scope lints clean of errors.
  EXPECT_FALSE(tg::lint_fails(tg::lint(run_small(1)->graph())));
}

TEST(V32Scope1Test, ConfigWhoseDimIsNotAMultipleOfItsTileIsAClearError) {
  auto config = Scope1Config::small();
  config.hidden = 520;  // RMSNORM_K = 512 does not divide it
  try {
    Scope1Run run(config, {});
    FAIL() << "expected ConfigError";
  } catch (const tg::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("HIDDEN = 520 is not a multiple of RMSNORM_K = 512"), std::string::npos) << e.what();
  }
  config = Scope1Config::small();
  config.q_out_tile = 100;
  EXPECT_THROW(Scope1Run(config, {}), tg::ConfigError);
  EXPECT_THROW(Scope1Run::make(options("medium")), tg::ConfigError);
  EXPECT_THROW(Scope1Run::make(options("small", "typo")), tg::ConfigError);
  EXPECT_THROW(tg::models::find_model("v32-decode-scope9"), tg::ConfigError);
}

TEST(V32Scope1Test, SeqLensOutsideOneToMaxSeqIsAClearError) {
  for (std::int32_t bad : {0, 65, -3}) {
    auto run = Scope1Run::make(options("small"));
    run->generate_inputs(1);
    run->tensor("seq_lens").data_as<std::int32_t>()[2] = bad;
    try {
      run->validate_inputs();
      FAIL() << "expected ConfigError for seq_lens = " << bad;
    } catch (const tg::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("seq_lens[2] = " + std::to_string(bad) + " is outside [1, MAX_SEQ = 64]"), std::string::npos)
          << e.what();
    }
    // Run anyway: the kernels refuse the position instead of writing outside the cache.
    tg::HostExecutor host{1};
    EXPECT_THROW(run->run(host), tg::KernelError);
  }
}

TEST(V32Scope1Test, DumpThenInputsReproducesTheRun) {
  const auto dir = std::filesystem::temp_directory_path() / "tg_v32_scope1_dump_test";
  std::filesystem::remove_all(dir);
  auto first = run_small(11);
  first->dump(dir);
  for (const char* f : {"inputs/hidden_states.npy", "inputs/kv_cache.npy", "staging/q_roped.npy", "staging/normed_states.npy",
                        "outputs/q_pe_out.npy", "outputs/kv_cache.npy"})
    EXPECT_TRUE(std::filesystem::exists(dir / f)) << f;

  auto second = Scope1Run::make(options("small"));
  second->load_inputs(dir);
  tg::HostExecutor host{1};
  second->run(host);
  EXPECT_TRUE(second->check().pass());
  for (const char* name : {"q_nope_out", "q_pe_out", "qr_out", "kv_cache", "pe_cache"}) {
    const auto& a = first->tensor(name);
    EXPECT_EQ(0, std::memcmp(a.data(), second->tensor(name).data(), a.bytes())) << name;
  }
  // A dump of another config does not fit: the file and the expectation are named.
  auto other_batch = Scope1Run::make(options("small", "", 8));
  try {
    other_batch->load_inputs(dir);
    FAIL() << "expected IoError";
  } catch (const tg::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("hidden_states.npy"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(V32Scope1Test, FunctionalSimulationOnA2a3MatchesGolden) {
  auto run = run_small(4);
  // Clear the host run's outputs, so the check below sees only what the simulated run wrote.
  for (const char* name : {"q_nope_out", "q_pe_out"}) run->tensor(name).fill_zero();
  EXPECT_FALSE(run->check().pass()) << "the host run's outputs must be gone";
  tg::SimOptions options;
  options.functional_threads = 2;
  tg::SimExecutor sim(tg::load_machine("a2a3"), options);
  EXPECT_EQ(sim.simulate(run->graph()).tasks_without_cost, 0u);
  const auto result = run->run(sim);  // functional: the ModelRun's Bindings are given
  EXPECT_GT(result.timeline.makespan_ns, 0);
  const auto report = run->check();
  EXPECT_TRUE(report.pass()) << "first diverging stage: " << report.first_diverging_stage().value_or("-");
}

TEST(V32Scope1GoldenTest, RopeAtPositionZeroIsTheIdentity) {
  auto c = Scope1Config::small();
  c.batch = 1;
  std::vector<float> q(static_cast<std::size_t>(c.q_proj_cols()));
  for (std::size_t i = 0; i < q.size(); ++i) q[i] = tg::round_to_bf16(0.01f * static_cast<float>(i) - 1.0f);
  std::vector<float> cos(static_cast<std::size_t>(c.max_seq * c.qk_rope_head_dim), 1.0f), sin(cos.size(), 0.0f);
  EXPECT_EQ(tg::models::deepseek_v3_2::golden::q_rope(c, q, {1}, cos, sin), q);
  // A quarter turn maps (lo, hi) to (-hi, lo).
  std::fill(cos.begin(), cos.end(), 0.0f);
  std::fill(sin.begin(), sin.end(), 1.0f);
  const auto turned = tg::models::deepseek_v3_2::golden::q_rope(c, q, {1}, cos, sin);
  const auto at = static_cast<std::size_t>(c.qk_nope_head_dim);
  const auto half = static_cast<std::size_t>(c.qk_rope_head_dim / 2);
  EXPECT_EQ(turned[at], -q[at + half]);
  EXPECT_EQ(turned[at + half], q[at]);
  EXPECT_EQ(turned[0], q[0]);  // nope columns untouched
}

}  // namespace
