// DeepSeek V3.2 decode scope 1 at the host tiling (wide projection tiles on weights packed
// once): bit-identical to the reference tiling in every tensor the run writes, on every CPU
// path this machine has; packed when the inputs are bound, not per run; a run on weights other
// than the packed ones is refused; the reference stays the default.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "kernels/cpu_path.hpp"
#include "models/deepseek_v3_2/scope1_run.hpp"
#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"

namespace {

using tg::models::ModelOptions;
using tg::models::deepseek_v3_2::Scope1Config;
using tg::models::deepseek_v3_2::Scope1Run;
using tg::models::deepseek_v3_2::Tiling;

std::unique_ptr<Scope1Run> run_small(const std::string& mode, std::uint64_t seed, int threads = 2) {
  ModelOptions options;
  options.config = "small";
  options.mode = mode;
  auto run = Scope1Run::make(options);
  run->graph().verify();
  run->generate_inputs(seed);
  run->run(tg::HostExecutor{threads});
  return run;
}

// Every tensor the run writes (outputs, caches, staging) byte for byte.
void expect_same_bits(const Scope1Run& reference, const Scope1Run& host, const std::string& what) {
  for (const auto& buffer : reference.graph().buffers()) {
    if (buffer->role() == tg::Role::Input || buffer->role() == tg::Role::Weight) continue;
    const auto& a = reference.tensor(buffer->name());
    const auto& b = host.tensor(buffer->name());
    ASSERT_EQ(a.bytes(), b.bytes()) << what << ": " << buffer->name();
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.bytes())) << what << ": " << buffer->name() << " differs";
  }
}

TEST(V32Scope1HostTilingTest, BitIdenticalToTheReferenceTilingAndPassesTheGolden) {
  for (const auto& [reference_mode, host_mode] : {std::pair{"staged", "host"}, std::pair{"fused", "host-fused"}})
    for (std::uint64_t seed : {1u, 7u, 42u}) {
      const std::string what = std::string(host_mode) + " seed " + std::to_string(seed);
      auto reference = run_small(reference_mode, seed);
      auto host = run_small(host_mode, seed);
      EXPECT_EQ(reference->config().tiling, Tiling::reference);
      EXPECT_EQ(host->config().tiling, Tiling::host);
      EXPECT_EQ(reference->graph().buffers().size(), host->graph().buffers().size());
      expect_same_bits(*reference, *host, what);
      const auto report = host->check();
      EXPECT_TRUE(report.pass()) << what << ": first diverging stage " << report.first_diverging_stage().value_or("-");
    }
}

TEST(V32Scope1HostTilingTest, BitIdenticalOnEveryCpuPathOfThisMachine) {
  for (const auto path : {tg::kernels::CpuPath::scalar, tg::kernels::CpuPath::avx2, tg::kernels::CpuPath::avx512}) {
    if (!tg::kernels::cpu_path_supported(path)) {
      // Said, never silent; not GTEST_SKIP: the paths this CPU has are checked in the same test.
      std::printf("cpu path %s: not checked, this CPU lacks it\n", std::string(tg::kernels::name_of(path)).c_str());
      continue;
    }
    tg::kernels::ScopedCpuPath forced(path);
    auto reference = run_small("staged", 3, 1);
    auto host = run_small("host", 3, 1);
    expect_same_bits(*reference, *host, std::string(tg::kernels::name_of(path)));
  }
}

TEST(V32Scope1HostTilingTest, FewerWiderCubeTasksOnWeightsPackedOnceWhenBound) {
  auto reference = run_small("staged", 5);
  auto host = run_small("host", 5);
  auto cube_blocks_of = [](const tg::Graph& g) {
    int blocks = 0;
    for (const auto& task : g.tasks())
      if (task.kind == tg::TaskKind::Cube) blocks += task.block_num;
    return blocks;
  };
  EXPECT_EQ(host->graph().num_tasks(), reference->graph().num_tasks()) << "the same stages, as SPMD tasks";
  EXPECT_LT(cube_blocks_of(host->graph()), cube_blocks_of(reference->graph()));
  const auto& c = host->config();
  const auto cube_blocks = c.q_lora_rank / c.host_lora_tile + c.q_proj_cols() / c.host_q_out_tile +
                           c.kv_a_out() / c.host_kv_out_tile;
  EXPECT_EQ(host->weight_packs().size(), static_cast<std::size_t>(cube_blocks)) << "one packed tile per cube block";
  EXPECT_EQ(cube_blocks_of(host->graph()), cube_blocks);
  EXPECT_TRUE(host->weight_packs().packed());
  EXPECT_GT(host->weight_packs().packed_bytes(), 0u);
  EXPECT_EQ(reference->weight_packs().size(), 0u) << "the reference tiling packs nothing";
  EXPECT_EQ(reference->packing_ms(), 0.0);
  // Runs do not pack again.
  const double packed_ms = host->packing_ms();
  host->run(tg::HostExecutor{2});
  host->run(tg::HostExecutor{1});
  EXPECT_EQ(host->packing_ms(), packed_ms);
  expect_same_bits(*reference, *host, "third run");
}

TEST(V32Scope1HostTilingTest, WeightsBoundElsewhereThanThePackedOnesAreRefused) {
  auto host = run_small("host", 2);
  const auto& wq_b = host->tensor("wq_b");
  host->bindings().bind("wq_b", wq_b.clone());
  try {
    host->run(tg::HostExecutor{1});
    FAIL() << "expected the run to refuse stale packed weights";
  } catch (const tg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("pack() again"), std::string::npos) << e.what();
  }
}

TEST(V32Scope1HostTilingTest, ReferenceIsTheDefaultAndHostTilesAreValidated) {
  EXPECT_EQ(Scope1Config::full().tiling, Tiling::reference);
  ModelOptions options;
  options.config = "small";
  EXPECT_EQ(Scope1Run::make(options)->config().tiling, Tiling::reference);
  auto config = Scope1Config::small();
  config.tiling = Tiling::host;
  config.host_q_out_tile = 100;  // does not divide 4 * 192
  try {
    config.validate();
    FAIL() << "expected ConfigError";
  } catch (const tg::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("HOST_Q_OUT_TILE = 100"), std::string::npos) << e.what();
  }
  config.tiling = Tiling::reference;
  EXPECT_NO_THROW(config.validate()) << "host tiles are not checked for the reference tiling";
}

}  // namespace
