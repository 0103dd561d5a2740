// Every model scope, fused as `sim --advise --fuse` fuses it (the gainful candidates on a2a3,
// best first), computes the same bits as the unfused scope on the host executor: outputs and
// InOut caches, from the same inputs (small configs).
#include <gtest/gtest.h>

#include <cstring>

#include "models/common/registry.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "model_inputs.hpp"
#include "tuning/fusion_gain.hpp"

namespace {

using namespace tg;

TEST(FusionModels, EveryModelFusedRunsToTheUnfusedBits) {
  const Machine machine = load_machine("a2a3");
  std::size_t applied = 0;
  for (const auto& model : models::model_registry()) {
    SCOPED_TRACE(model.name);
    models::ModelOptions options;
    options.config = "small";
    auto run = model.make(options);
    run->generate_inputs(11);
    const Graph& g = run->graph();
    auto candidates = tuning::fusion_candidates(g, machine);
    tuning::rank_by_gain(g, machine, candidates);
    const tuning::FusedGraph fused = tuning::fuse_gainful(g, machine, candidates);
    applied += fused.applied.size();
    Bindings memory = tuning::test::inputs_of(fused.graph, *run);
    HostExecutor host{2};
    host.run(fused.graph, memory);
    run->run(host);
    std::size_t compared = 0;
    for (const auto& b : g.buffers()) {
      if (b->role() != Role::Output && b->role() != Role::InOut) continue;
      const Tensor& want = run->tensor(b->name());
      const Tensor& got = memory.tensor(b->name());
      ASSERT_EQ(got.bytes(), want.bytes()) << b->name();
      EXPECT_EQ(0, std::memcmp(got.data(), want.data(), want.bytes())) << b->name() << " after " << fused.applied.size() << " fusions";
      ++compared;
    }
    EXPECT_GT(compared, 0u);
  }
  EXPECT_GE(applied, 6u) << "V3.2 fuses 4 pairs, V4 qkv 2: the test must exercise fusions";
}

}  // namespace
