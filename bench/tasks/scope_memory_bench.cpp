// Memory of a large scope (issue 15: a 10^6-task scope with 3 arguments per task builds,
// finalizes and runs in < 1 GB resident). Task i writes cell i and reads cells i-1 and i-2,
// so each task has 3 arguments and up to 2 inferred edges. Counters: bytes_per_task = heap
// held by the finalized graph / tasks; max_rss_mb = the process's peak resident set so far
// (getrusage), so run the 10^6 row alone (--benchmark_filter=/1000000/) to read its own peak.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>

#include "bench/tasks/heap_in_use.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"

namespace {

std::atomic<std::uint64_t> executed{0};
void empty_kernel(const tg::TaskContext&) { executed.fetch_add(1, std::memory_order_relaxed); }

tg::Graph build_three_args(std::int64_t tasks) {
  tg::Scope s{"three_args"};
  auto cells = s.staging("cells", {tasks + 2}, tg::INT32);
  for (std::int64_t i = 0; i < tasks; ++i)
    s.vector("t", {tg::Out(cells.slice({i + 2}, {1})), tg::In(cells.slice({i + 1}, {1})), tg::In(cells.slice({i}, {1}))},
             empty_kernel);
  // Lint off: cells 0 and 1 are read before any write (the chain's two roots), on purpose.
  return s.finalize({.lint = tg::Lint::Off});
}

double max_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void BM_ThreeArgScope(benchmark::State& state) {
  const std::int64_t tasks = state.range(0);
  tg::HostExecutor executor(tg::HostExecutorOptions{2, false, false});
  double bytes_per_task = 0;
  for (auto _ : state) {
    const std::size_t before = tg::bench::heap_in_use();
    tg::Graph g = build_three_args(tasks);
    bytes_per_task = static_cast<double>(tg::bench::heap_in_use() - before) / static_cast<double>(tasks);
    tg::Bindings memory(g);
    executor.run(g, memory);
  }
  state.counters["tasks"] = static_cast<double>(tasks);
  state.counters["bytes_per_task"] = bytes_per_task;
  state.counters["max_rss_mb"] = max_rss_mb();
  state.counters["ns_per_task"] = benchmark::Counter(static_cast<double>(tasks) * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_ThreeArgScope)->Arg(10000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
