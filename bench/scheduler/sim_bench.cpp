// Simulator throughput (modelled tasks per second) and memory per task on synthetic
// layered graphs up to 10^6 tasks, against a baseline in the same binary: one walk over
// the graph in topological order summing the modelled durations (the O(V + E) floor of
// any simulator). Figures and commands: docs/performance.md, "Simulator".
#include <benchmark/benchmark.h>

#include <malloc.h>

#include <map>
#include <random>

#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "tasks/task_cost.hpp"
#include "tasks/graph.hpp"

namespace {

// Layers of `width` tasks; each task depends on two random tasks of the layer before.
// Kinds cycle through vector, cube, vector, MIX; 1-4 blocks; costs of 1-20 us.
const tg::Graph& layered_graph(std::size_t tasks) {
  static std::map<std::size_t, tg::Graph> cache;
  auto it = cache.find(tasks);
  if (it != cache.end()) return it->second;
  constexpr std::size_t kWidth = 1000;
  std::mt19937 rng(42);
  std::vector<tg::Task> list(tasks);
  for (std::size_t i = 0; i < tasks; ++i) {
    tg::Task& t = list[i];
    t.id = static_cast<tg::TaskId>(i);
    t.name = "t";
    const tg::TaskKind kinds[] = {tg::TaskKind::Vector, tg::TaskKind::Cube, tg::TaskKind::Vector, tg::TaskKind::Mix};
    t.kind = kinds[i % 4];
    t.block_num = 1 + static_cast<int>(rng() % 4);
    t.cost = tg::CostHint{static_cast<double>(1e5 + rng() % 4000000), static_cast<double>(rng() % 1000000), 0, false};
    if (i >= kWidth) {
      const std::size_t layer_start = (i / kWidth - 1) * kWidth;
      const auto a = static_cast<tg::TaskId>(layer_start + rng() % kWidth);
      const auto b = static_cast<tg::TaskId>(layer_start + rng() % kWidth);
      t.after.push_back(a);
      if (b != a) t.after.push_back(b);
    }
  }
  return cache.emplace(tasks, tg::Graph::assemble("layered", {}, {}, std::move(list), {}, {})).first->second;
}

void BM_TopologicalWalkBaseline(benchmark::State& state) {
  const auto& g = layered_graph(static_cast<std::size_t>(state.range(0)));
  const tg::Machine m = tg::load_machine("a2a3");
  for (auto _ : state) {
    const auto block_ns = tg::isolated_block_durations(g, m);
    std::vector<std::int64_t> finish(g.num_tasks(), 0);
    for (tg::TaskId t : g.topo_order()) {
      std::int64_t ready = 0;
      for (tg::TaskId p : g.predecessors(t)) ready = std::max(ready, finish[p]);
      finish[t] = ready + block_ns[t];
    }
    benchmark::DoNotOptimize(finish.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_Simulate(benchmark::State& state, const std::string& strategy) {
  const auto& g = layered_graph(static_cast<std::size_t>(state.range(0)));
  tg::SimOptions options;
  options.strategy = strategy;
  tg::SimExecutor sim(tg::load_machine("a2a3"), options);
  tg::SimResult last = sim.simulate(g);  // warm-up: the timeline's pages are touched once, untimed
  for (auto _ : state) {
    last = sim.simulate(g);
    benchmark::DoNotOptimize(last.timeline.makespan_ns);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  const double n = static_cast<double>(state.range(0));
  state.counters["bytes_per_task"] = static_cast<double>(last.model_state_bytes) / n;
  state.counters["rows_per_task"] = static_cast<double>(last.timeline.rows().size()) / n;
  state.counters["events_per_task"] = static_cast<double>(last.events) / n;
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(last.events) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_TopologicalWalkBaseline)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Simulate, fifo, std::string("fifo"))->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Simulate, critical_path, std::string("critical-path"))->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Simulate, locality, std::string("locality"))->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Simulate, early_dispatch, std::string("early-dispatch"))->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  // Keep freed memory in the process (no mmap for large blocks, no trimming): on this VM a
  // first-touch page fault costs tens of microseconds, and a 10^6-task timeline is ~40k
  // pages, so returning it to the OS every iteration would measure the page-fault rate.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
