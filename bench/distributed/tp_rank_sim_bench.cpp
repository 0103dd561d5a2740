// The tensor-parallel model scopes on the modelled a2a3 chip (full dims), 1, 2, 4 and 8 ranks:
// *Rank0: rank 0's graph simulated alone, its collectives zero-cost host tasks (what a chip's
// compute gains from the split; each collective's bytes per rank counted). *OnChips: every
// rank's graph on a2a3xN with the collectives on the modelled links (the makespan and the
// exposed-communication share). Figures and command: docs/performance.md, "Tensor-parallel model scopes".
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/common/registry.hpp"
#include "models/common/tp_modelled_collectives.hpp"
#include "models/common/tp_models.hpp"
#include "runtime/machine.hpp"
#include "runtime/multichip_machine.hpp"
#include "scheduler/multichip_sim.hpp"
#include "scheduler/sim_executor.hpp"

namespace {

using tg::models::ModelOptions;

// A collective as a host task of no cost, counting the bytes a ring algorithm sends per rank:
// all-gather (N-1)/N of its output, all-reduce 2(N-1)/N of its input.
class ZeroCostCollectives final : public tg::models::TpCollectives {
 public:
  explicit ZeroCostCollectives(int ranks) : ranks_(ranks) {}
  tg::TaskRef all_gather(tg::Scope& scope, const tg::View& in, const tg::View& out, std::string name) override {
    bytes_sent += static_cast<double>(out.bytes()) * (ranks_ - 1) / ranks_;
    return scope.host(std::move(name), {tg::In(in), tg::Out(out)});
  }
  tg::TaskRef all_reduce(tg::Scope& scope, const tg::View& in, const tg::View& out, std::string name) override {
    bytes_sent += 2.0 * static_cast<double>(in.bytes()) * (ranks_ - 1) / ranks_;
    return scope.host(std::move(name), {tg::In(in), tg::Out(out)});
  }
  double bytes_sent = 0;

 private:
  int ranks_;
};

const tg::models::ModelRun& full_run(const std::string& model) {
  static std::map<std::string, std::unique_ptr<tg::models::ModelRun>> runs;
  auto& run = runs[model];
  if (!run) {
    ModelOptions options;
    options.config = "full";
    run = tg::models::find_model(model).make(options);
  }
  return *run;
}

void simulate_rank0(benchmark::State& state, const std::string& model) {
  const int ranks = static_cast<int>(state.range(0));
  const auto& full = full_run(model);
  ZeroCostCollectives collectives(ranks);
  const auto rank0 = tg::models::find_tp_model(model).make_rank(full, 0, ranks, collectives);
  const tg::SimExecutor sim(tg::load_machine("a2a3"));
  const double one_chip_ns = static_cast<double>(sim.simulate(full.graph()).timeline.makespan_ns);
  double makespan_ns = 0;
  for (auto _ : state) makespan_ns = static_cast<double>(sim.simulate(rank0->graph()).timeline.makespan_ns);
  state.counters["makespan_us"] = makespan_ns / 1e3;
  state.counters["speedup_vs_1_chip"] = one_chip_ns / makespan_ns;
  state.counters["tasks"] = static_cast<double>(rank0->graph().num_tasks());
  state.counters["comm_kib_per_rank"] = collectives.bytes_sent / 1024;
}

// Every rank's graph on its own chip of a2a3xN, the collectives on the modelled links
// (MultiChipSimExecutor, as `tilegraph run MODEL --tp N --machine a2a3xN`); 1 chip is the
// single-rank scope on a2a3. exposed_share: the time the ranks' collectives are in flight
// with no compute of theirs running, over the makespan (mean over ranks).
void simulate_on_chips(benchmark::State& state, const std::string& model) {
  const int ranks = static_cast<int>(state.range(0));
  const auto& full = full_run(model);
  const double one_chip_ns =
      static_cast<double>(tg::SimExecutor(tg::load_machine("a2a3")).simulate(full.graph()).timeline.makespan_ns);
  double makespan_ns = one_chip_ns, exposed = 0, collective_ns = 0;
  if (ranks == 1) {
    for (auto _ : state) benchmark::DoNotOptimize(tg::SimExecutor(tg::load_machine("a2a3")).simulate(full.graph()));
  } else {
    const auto rank_runs = tg::models::modelled_tp_ranks(tg::models::find_tp_model(model), full, ranks);
    std::vector<const tg::Graph*> graphs;
    for (const auto& r : rank_runs) graphs.push_back(&r->graph());
    const tg::MultiChipSimExecutor sim(tg::load_multichip_machine("a2a3x" + std::to_string(ranks)));
    for (auto _ : state) {
      const tg::MultiChipResult result = sim.simulate(graphs);
      makespan_ns = static_cast<double>(result.makespan_ns);
      exposed = result.exposed_share();
      collective_ns = static_cast<double>(result.comm.front().collective_ns);
    }
  }
  state.counters["makespan_us"] = makespan_ns / 1e3;
  state.counters["speedup_vs_1_chip"] = one_chip_ns / makespan_ns;
  state.counters["exposed_share"] = exposed;
  state.counters["rank0_collective_us"] = collective_ns / 1e3;
}

void BM_V32Scope1OnChips(benchmark::State& state) { simulate_on_chips(state, "v32-decode-scope1"); }
void BM_V4SwaOnChips(benchmark::State& state) { simulate_on_chips(state, "v4-swa-attention"); }

void BM_V32Scope1Rank0(benchmark::State& state) { simulate_rank0(state, "v32-decode-scope1"); }
void BM_V4SwaRank0(benchmark::State& state) { simulate_rank0(state, "v4-swa-attention"); }

}  // namespace

BENCHMARK(BM_V32Scope1Rank0)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_V4SwaRank0)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_V32Scope1OnChips)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_V4SwaOnChips)->Arg(1)->Arg(2)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
