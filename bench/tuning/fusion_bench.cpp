// What `tilegraph sim --advise` costs, on the model scopes (full dims): finding the fusion
// candidates, applying one, and ranking them all (one simulation per candidate plus one).
// CPU time is the figure to read on a shared host (docs/performance.md, issue 22).
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "models/common/registry.hpp"
#include "runtime/machine.hpp"
#include "tuning/fusion_gain.hpp"

namespace {

const tg::Machine& a2a3() {
  static const tg::Machine m = tg::load_machine("a2a3");
  return m;
}

// The model's graph at its full config; built once per process.
const tg::Graph& model_graph(const std::string& name) {
  static std::map<std::string, std::unique_ptr<tg::models::ModelRun>> runs;
  auto& run = runs[name];
  if (!run) run = tg::models::find_model(name).make(tg::models::ModelOptions{});
  return run->graph();
}

const char* const kModels[] = {"v32-decode-scope1", "v4-qkv-proj-rope"};

void BM_FusionCandidates(benchmark::State& state) {
  const tg::Graph& g = model_graph(kModels[state.range(0)]);
  std::size_t found = 0;
  for (auto _ : state) found = tg::tuning::fusion_candidates(g, a2a3()).size();
  state.SetLabel(kModels[state.range(0)]);
  state.counters["tasks"] = static_cast<double>(g.num_tasks());
  state.counters["candidates"] = static_cast<double>(found);
}
BENCHMARK(BM_FusionCandidates)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_FuseBestCandidate(benchmark::State& state) {
  const tg::Graph& g = model_graph(kModels[state.range(0)]);
  const auto candidates = tg::tuning::fusion_candidates(g, a2a3());
  for (auto _ : state) benchmark::DoNotOptimize(tg::tuning::fuse(g, a2a3(), candidates.front()).graph.num_tasks());
  state.SetLabel(kModels[state.range(0)]);
}
BENCHMARK(BM_FuseBestCandidate)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_RankByGain(benchmark::State& state) {
  const tg::Graph& g = model_graph(kModels[state.range(0)]);
  const auto found = tg::tuning::fusion_candidates(g, a2a3());
  for (auto _ : state) {
    auto candidates = found;
    benchmark::DoNotOptimize(tg::tuning::rank_by_gain(g, a2a3(), candidates));
  }
  state.SetLabel(kModels[state.range(0)]);
  state.counters["simulations"] = static_cast<double>(found.size() + 1);
}
BENCHMARK(BM_RankByGain)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
