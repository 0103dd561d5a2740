// Simulated makespan of a tensor-parallel MLP (tp_like_graphs.hpp; decode: 16 tokens,
// prefill: 4096) on 1, 2, 4 and 8 a2a3 chips (machines a2a3, a2a3x2, a2a3x4, a2a3x8), with the share of it that is exposed
// communication; and what one simulated run costs in CPU time. Figures: docs/performance.md,
// "Multi-chip simulation".
#include <benchmark/benchmark.h>

#include "runtime/multichip_machine.hpp"
#include "scheduler/multichip_sim.hpp"
#include "scheduler/sim_executor.hpp"
#include "tp_like_graphs.hpp"

namespace {

void BM_TpMlpOneChip(benchmark::State& state) {
  const tg::Graph graph = tg::bench::tp_like_rank_graph(0, 1, state.range(0));
  const tg::SimExecutor sim(tg::load_machine("a2a3"));
  tg::SimResult last = sim.simulate(graph);
  for (auto _ : state) {
    last = sim.simulate(graph);
    benchmark::DoNotOptimize(last.timeline.makespan_ns);
  }
  state.counters["chips"] = 1;
  state.counters["makespan_us"] = static_cast<double>(last.timeline.makespan_ns) / 1e3;
  state.counters["exposed_comm_pct"] = 0;
}

void BM_TpMlpMultiChip(benchmark::State& state) {
  const int chips = static_cast<int>(state.range(1));
  const std::vector<tg::Graph> graphs = tg::bench::tp_like_graphs(chips, state.range(0));
  const tg::MultiChipSimExecutor sim(tg::load_multichip_machine("a2a3x" + std::to_string(chips)));
  tg::MultiChipResult last = sim.simulate(graphs);
  for (auto _ : state) {
    last = sim.simulate(graphs);
    benchmark::DoNotOptimize(last.makespan_ns);
  }
  std::int64_t in_collectives = 0;
  for (const tg::RankCommStats& c : last.comm) in_collectives = std::max(in_collectives, c.collective_ns);
  state.counters["chips"] = chips;
  state.counters["makespan_us"] = static_cast<double>(last.makespan_ns) / 1e3;
  state.counters["exposed_comm_pct"] = 100 * last.exposed_share();
  state.counters["in_collectives_us"] = static_cast<double>(in_collectives) / 1e3;
  state.counters["collective_alone_us"] = static_cast<double>(last.collectives.at(0).plan.ns()) / 1e3;
}

// Args: tokens, then chips.
BENCHMARK(BM_TpMlpOneChip)->ArgName("tokens")->Arg(16)->Arg(4096)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TpMlpMultiChip)
    ->ArgNames({"tokens", "chips"})
    ->ArgsProduct({{16, 4096}, {2, 4, 8}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
