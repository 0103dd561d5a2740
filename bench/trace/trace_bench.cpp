// Trace export costs on layered graphs (width 100, each task fed by two tasks of the layer
// before, every 10th also by one two layers back): the transitive reduction against a
// plain pass over the edges (the baseline, same graph), and the HTML / Perfetto writers
// per task. The reduction is O(E · N / 64): its ratio to the baseline should grow about
// linearly in N; anything steeper is a regression.
#include <benchmark/benchmark.h>

#include <sstream>

#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "tasks/scope.hpp"
#include "tasks/transitive_reduction.hpp"

namespace {

using namespace tg;

Graph layered_graph(int tasks) {
  constexpr int kWidth = 100;
  const int layers = std::max(tasks / kWidth, 1);
  Scope s{"layered"};
  for (int l = 0; l < layers; ++l)
    for (int j = 0; j < kWidth; ++j) {
      auto ref = s.vector("layer_task", {});
      if (l == 0) continue;
      ref.after(static_cast<TaskId>((l - 1) * kWidth + j)).after(static_cast<TaskId>((l - 1) * kWidth + (j + 1) % kWidth));
      if (l >= 2 && j % 10 == 0) ref.after(static_cast<TaskId>((l - 2) * kWidth + j));
    }
  return s.finalize();
}

// One row per task on 48 lanes, 1 us each, back to back per lane.
Timeline simple_timeline(const Graph& g) {
  Timeline tl;
  tl.source = "bench";
  for (int l = 0; l < 48; ++l) tl.lanes.push_back({"core " + std::to_string(l), LaneKind::Aiv, l / 2});
  for (TaskId t = 0; t < g.num_tasks(); ++t) {
    const std::int64_t at = 1000 * static_cast<std::int64_t>(t / 48);
    tl.add_row({t, 0, static_cast<std::uint16_t>(t % 48), 0, 0, at, at, at, at + 1000, at + 1000});
  }
  tl.makespan_ns = tl.rows().back().end_ns;
  return tl;
}

void BM_EdgeScanBaseline(benchmark::State& state) {
  const Graph g = layered_graph(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (TaskId t = 0; t < g.num_tasks(); ++t)
      for (TaskId s : g.successors(t)) sum += s;
    benchmark::DoNotOptimize(sum);
  }
  state.counters["edges"] = static_cast<double>(g.edges().size());
}

void BM_TransitiveReduction(benchmark::State& state) {
  const Graph g = layered_graph(static_cast<int>(state.range(0)));
  std::size_t kept = 0;
  for (auto _ : state) kept = transitive_reduction(g).edges.size();
  state.counters["edges"] = static_cast<double>(g.edges().size());
  state.counters["kept"] = static_cast<double>(kept);
}

void BM_HtmlSwimlane(benchmark::State& state) {
  const Graph g = layered_graph(static_cast<int>(state.range(0)));
  const Timeline tl = simple_timeline(g);
  std::size_t bytes = 0;
  for (auto _ : state) bytes = html_swimlane_string(g, tl).size();
  state.counters["bytes_per_task"] = static_cast<double>(bytes) / static_cast<double>(g.num_tasks());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(g.num_tasks()));
}

void BM_PerfettoTrace(benchmark::State& state) {
  const Graph g = layered_graph(static_cast<int>(state.range(0)));
  const Timeline tl = simple_timeline(g);
  std::size_t bytes = 0;
  for (auto _ : state) bytes = perfetto_trace_string(g, tl).size();
  state.counters["bytes_per_task"] = static_cast<double>(bytes) / static_cast<double>(g.num_tasks());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(g.num_tasks()));
}

BENCHMARK(BM_EdgeScanBaseline)->Arg(1'000)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TransitiveReduction)->Arg(1'000)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HtmlSwimlane)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PerfettoTrace)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
