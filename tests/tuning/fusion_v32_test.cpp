// The automatic fusion of DeepSeek V3.2 scope 1's per-row stages reproduces the hand-written
// fused mode (Scope1Config::fuse_per_batch_tail): q_rope + q_split become one task whose
// rotated q never reaches GM, and the outputs and caches are bit-identical to the unfused
// graph's and to the hand-fused graph's on the host executor (small dims).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "models/deepseek_v3_2/scope1_run.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "model_inputs.hpp"
#include "tuning/fused_graph.hpp"
#include "tuning/fusion_gain.hpp"

namespace {

using namespace tg;
using models::deepseek_v3_2::Scope1Config;
using models::deepseek_v3_2::Scope1Run;

const char* const kResults[] = {"q_nope_out", "q_pe_out", "qr_out", "kv_cache", "pe_cache"};

TaskId task_named(const Graph& g, const std::string& name) {
  for (const Task& t : g.tasks())
    if (t.name == name) return t.id;
  ADD_FAILURE() << "no task " << name;
  return 0;
}

TEST(FusionV32, QRopeAndQSplitFuseOnChipAndMatchTheHandWrittenFusedModeBitForBit) {
  const Machine machine = load_machine("a2a3");
  Scope1Run staged(Scope1Config::small(), {});
  staged.generate_inputs(8);
  const Graph& g = staged.graph();
  const TaskId rope = task_named(g, "q_rope"), split = task_named(g, "q_split");

  auto candidates = tuning::fusion_candidates(g, machine);
  const auto pair = std::find_if(candidates.begin(), candidates.end(),
                                 [&](const auto& c) { return c.chain == std::vector<TaskId>{rope, split}; });
  ASSERT_NE(pair, candidates.end()) << tuning::why_not(g, machine, rope, split);
  EXPECT_TRUE(pair->on_chip) << pair->reason;
  EXPECT_EQ(pair->intermediates, std::vector<std::string>{"q_roped"});
  const tuning::FusedGraph fused = tuning::fuse(g, machine, *pair);
  EXPECT_EQ(fused.graph.num_tasks() + 1, g.num_tasks());
  for (const Task& t : fused.graph.tasks())
    for (const Arg& a : t.args) EXPECT_NE(a.view.buffer().name(), "q_roped") << t.label() << " still touches q_roped in GM";

  // The fused graph on the staged run's inputs, caches as they were before any run.
  Bindings memory = tuning::test::inputs_of(fused.graph, staged);
  HostExecutor host{2};
  host.run(fused.graph, memory);
  staged.run(host);

  Scope1Config hand_config = Scope1Config::small();
  hand_config.fuse_per_batch_tail = true;
  Scope1Run hand(hand_config, {});
  hand.generate_inputs(8);
  hand.run(host);

  for (const char* name : kResults) {
    const Tensor& automatic = memory.tensor(name);
    ASSERT_EQ(automatic.bytes(), staged.tensor(name).bytes()) << name;
    EXPECT_EQ(0, std::memcmp(automatic.data(), staged.tensor(name).data(), automatic.bytes())) << name << " vs unfused";
    EXPECT_EQ(0, std::memcmp(automatic.data(), hand.tensor(name).data(), automatic.bytes())) << name << " vs hand-fused";
  }
}

TEST(FusionV32, EveryCandidateOfTheScopeRunsToTheSameBits) {
  // Best first, all that do not overlap: a stronger check than the one pair above.
  const Machine machine = load_machine("a2a3");
  Scope1Run staged(Scope1Config::small(), {});
  staged.generate_inputs(3);
  auto candidates = tuning::fusion_candidates(staged.graph(), machine);
  ASSERT_FALSE(candidates.empty());
  tuning::rank_by_gain(staged.graph(), machine, candidates);
  const tuning::FusedGraph fused = tuning::fuse(staged.graph(), machine, candidates);
  EXPECT_FALSE(fused.applied.empty());
  EXPECT_LT(fused.graph.num_tasks(), staged.graph().num_tasks());
  Bindings memory = tuning::test::inputs_of(fused.graph, staged);
  HostExecutor host{2};
  host.run(fused.graph, memory);
  staged.run(host);
  for (const char* name : kResults)
    EXPECT_EQ(0, std::memcmp(memory.tensor(name).data(), staged.tensor(name).data(), memory.tensor(name).bytes())) << name;
}

}  // namespace

namespace {

// The simulated makespans (deterministic: no jitter) of the unfused scope, the hand-fused
// mode and the automatic per-row fusions, printed for docs/tuning.md.
TEST(FusionV32, AutomaticPerRowFusionsShortenTheModelledMakespan) {
  const Machine machine = load_machine("a2a3");
  for (const char* config : {"small", "full"}) {
    Scope1Config staged_config = Scope1Config::named(config), hand_config = staged_config;
    hand_config.fuse_per_batch_tail = true;
    const Scope1Run staged(staged_config, {}), hand(hand_config, {});
    const Graph& g = staged.graph();
    auto candidates = tuning::fusion_candidates(g, machine);
    std::vector<tuning::FusionCandidate> per_row;
    for (const auto& c : candidates)
      if (g.task(c.chain.front()).name == "q_rope" || g.task(c.chain.front()).name == "kv_rmsnorm") per_row.push_back(c);
    ASSERT_EQ(per_row.size(), 2u) << config;
    const tuning::FusedGraph fused = tuning::fuse(g, machine, per_row);
    EXPECT_EQ(fused.graph.num_tasks(), hand.graph().num_tasks()) << "two tasks fewer, as by hand";
    const SimExecutor chip(machine);
    const std::int64_t unfused_ns = chip.simulate(g).timeline.makespan_ns;
    const std::int64_t hand_ns = chip.simulate(hand.graph()).timeline.makespan_ns;
    const std::int64_t auto_ns = chip.simulate(fused.graph).timeline.makespan_ns;
    EXPECT_LT(auto_ns, unfused_ns) << config;
    std::cout << config << ": unfused " << unfused_ns << " ns, hand-fused " << hand_ns << " ns, automatic per-row " << auto_ns
              << " ns on a2a3 (fifo)\n";
  }
}

}  // namespace

namespace {

// The stages that do not fuse, and why: a per-row RMSNorm needs every column tile of the
// projection before it, and every block of a projection reads all rows of its input.
TEST(FusionV32, AProjectionAndTheRowNormAfterItDoNotFuse) {
  const Machine machine = load_machine("a2a3");
  const Scope1Run staged(Scope1Config::small(), {});
  const Graph& g = staged.graph();
  const std::string why = tuning::why_not(g, machine, task_named(g, "q_lora_proj"), task_named(g, "q_lora_rmsnorm"));
  std::cout << "q_lora_proj + q_lora_rmsnorm: " << why << "\n";
  EXPECT_NE(why.find("outside the fused block"), std::string::npos) << why;
  const std::string input = tuning::why_not(g, machine, task_named(g, "input_rmsnorm"), task_named(g, "q_lora_proj"));
  std::cout << "input_rmsnorm + q_lora_proj: " << input << "\n";
  EXPECT_NE(input.find("block 0 of 'q_lora_proj#1' reads normed_states[0:4, 0:"), std::string::npos) << input;
}

}  // namespace
