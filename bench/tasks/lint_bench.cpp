// Lint and JSON scope cost against graph size, each as a ratio to building the same graph
// (Scope submissions + finalize) in this binary. The scope is a tiled two-stage pipeline:
// `tiles` producer tasks write one [16, 64] tile each of a staging buffer, `tiles`
// consumers read it and write an output tile, so lint replays 2 accesses per task and finds
// nothing (the clean case every model run pays). BM_BuildGraph builds with Lint::Off.
#include <benchmark/benchmark.h>

#include "tasks/lint.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

namespace {

tg::Graph tiled_scope(std::int64_t tiles, tg::Lint lint = tg::Lint::Off) {
  tg::Scope s{"tiled"};
  const std::int64_t cols = 64 * tiles;
  auto x = s.input("x", {16, cols}, tg::FP32);
  auto t = s.staging("t", {16, cols}, tg::FP32);
  auto y = s.output("y", {16, cols}, tg::FP32);
  for (std::int64_t i = 0; i < tiles; ++i) s.vector("produce", {tg::In(x.cols(i * 64, 64)), tg::Out(t.cols(i * 64, 64))});
  for (std::int64_t i = 0; i < tiles; ++i) s.vector("consume", {tg::In(t.cols(i * 64, 64)), tg::Out(y.cols(i * 64, 64))});
  return s.finalize({.lint = lint});
}

void per_task(benchmark::State& state, std::int64_t tasks) {
  state.counters["ns_per_task"] = benchmark::Counter(static_cast<double>(state.iterations() * tasks),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_BuildGraph(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tiled_scope(state.range(0)).num_tasks());
  per_task(state, 2 * state.range(0));
}

void BM_Lint(benchmark::State& state) {
  const tg::Graph g = tiled_scope(state.range(0));
  for (auto _ : state) {
    auto ds = tg::lint(g);
    if (!ds.empty()) state.SkipWithError("the tiled scope should lint clean");
    benchmark::DoNotOptimize(ds.data());
  }
  per_task(state, 2 * state.range(0));
}

void BM_JsonWrite(benchmark::State& state) {
  const tg::Graph g = tiled_scope(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(tg::to_scope_json(g).size());
  per_task(state, 2 * state.range(0));
}

void BM_JsonRoundTrip(benchmark::State& state) {
  const tg::Graph g = tiled_scope(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(tg::parse_scope_json(tg::to_scope_json(g), "bench").num_tasks());
  per_task(state, 2 * state.range(0));
}

// API v2: finalize() lints by default. Its cost is the difference of these two, against the
// build without lint (target: at most 0.3x the build).
void BM_BuildGraphLintAtFinalize(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(tiled_scope(state.range(0), tg::Lint::On).num_tasks());
  per_task(state, 2 * state.range(0));
}

BENCHMARK(BM_BuildGraph)->Arg(256)->Arg(4096)->Arg(32768)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildGraphLintAtFinalize)->Arg(256)->Arg(4096)->Arg(32768)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lint)->Arg(256)->Arg(4096)->Arg(32768)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JsonWrite)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_JsonRoundTrip)->Arg(256)->Arg(4096)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
