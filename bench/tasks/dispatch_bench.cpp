// Dispatch overhead of empty tasks on the HostExecutor, build + run, for five DAG shapes.
// Each shape is built twice: with explicit after() edges, and with edges inferred from the
// regions the tasks touch (task i writes cell i and reads its predecessors' cells). The
// baseline in the same binary is a oneTBB flow graph wired by hand with the same edges.
// Counter ns_per_task = (build + run) / tasks in process CPU time (all threads: the machine
// is shared, so wall time measures the neighbours); bytes_per_task = heap held by the
// finalized graph / tasks. `lint` rows finalize with the default lint on; the others with
// Lint::Off (the targets hold there). docs/performance.md gives the ratios.
// The `RunOnly` rows build the graph (explicit edges) and the flow graph once and time the
// runs alone, so they isolate the executor; they add a pure fan-out (one task with n - 1
// successors) and a pure fan-in (one task with n - 1 predecessors), with the Timeline
// recorded or not.
#include <benchmark/benchmark.h>
#include <tbb/flow_graph.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "bench/tasks/dag_shapes.hpp"
#include "bench/tasks/heap_in_use.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"

namespace {

using tg::bench::DagShape;
using tg::bench::heap_in_use;

constexpr int kThreads = 2;
std::atomic<std::uint64_t> executed{0};

void empty_kernel(const tg::TaskContext&) { executed.fetch_add(1, std::memory_order_relaxed); }

tg::Graph build_explicit(const std::vector<std::vector<std::uint32_t>>& preds, tg::Lint lint) {
  tg::Scope s{"explicit"};
  for (std::uint32_t i = 0; i < preds.size(); ++i) {
    auto t = s.vector("t", {}, empty_kernel);
    for (auto p : preds[i]) t.after(p);
  }
  return s.finalize({.lint = lint});
}

tg::Graph build_inferred(const std::vector<std::vector<std::uint32_t>>& preds, tg::Lint lint) {
  tg::Scope s{"inferred"};
  auto cells = s.staging("cells", {static_cast<std::int64_t>(preds.size())}, tg::INT32);
  for (std::uint32_t i = 0; i < preds.size(); ++i) {
    std::vector<tg::Arg> args{tg::Out(cells.slice({i}, {1}))};
    for (auto p : preds[i]) args.push_back(tg::In(cells.slice({static_cast<std::int64_t>(p)}, {1})));
    s.vector("t", std::move(args), empty_kernel);
  }
  return s.finalize({.lint = lint});
}

void report(benchmark::State& state, std::size_t tasks) {
  state.counters["tasks"] = static_cast<double>(tasks);
  state.counters["ns_per_task"] = benchmark::Counter(static_cast<double>(tasks) * static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

enum Edges { kExplicit, kInferred };

template <Edges E, tg::Lint L> void BM_HostExecutor(benchmark::State& state) {
  const auto shape = static_cast<DagShape>(state.range(0));
  const auto preds = tg::bench::make_dag(shape, static_cast<std::uint32_t>(state.range(1)));
  auto build = [&] { return E == kInferred ? build_inferred(preds, L) : build_explicit(preds, L); };
  tg::HostExecutor executor(tg::HostExecutorOptions{kThreads, false, false});
  {
    const std::size_t before = heap_in_use();
    const tg::Graph g = build();
    state.counters["bytes_per_task"] = static_cast<double>(heap_in_use() - before) / static_cast<double>(preds.size());
  }
  for (auto _ : state) {
    tg::Graph g = build();
    tg::Bindings memory(g);
    executor.run(g, memory);
  }
  state.SetLabel(std::string(tg::bench::shape_name(shape)) + (E == kInferred ? "/inferred" : "/explicit") +
                 (L == tg::Lint::On ? "/lint" : ""));
  report(state, preds.size());
}

// The hand-wired oneTBB flow graph of both baseline rows: one continue_node per task, an
// edge per predecessor; the roots are started by start_flow_roots.
using FlowNode = tbb::flow::continue_node<tbb::flow::continue_msg>;
using FlowNodes = std::vector<std::unique_ptr<FlowNode>>;

FlowNodes wire_flow_graph(tbb::flow::graph& g, const std::vector<std::vector<std::uint32_t>>& preds) {
  FlowNodes nodes;
  nodes.reserve(preds.size());
  for (std::size_t i = 0; i < preds.size(); ++i)
    nodes.push_back(std::make_unique<FlowNode>(g, [](const tbb::flow::continue_msg&) {
      executed.fetch_add(1, std::memory_order_relaxed);
    }));
  for (std::size_t i = 0; i < preds.size(); ++i)
    for (auto p : preds[i]) tbb::flow::make_edge(*nodes[p], *nodes[i]);
  return nodes;
}

void start_flow_roots(const FlowNodes& nodes, const std::vector<std::vector<std::uint32_t>>& preds) {
  for (std::size_t i = 0; i < preds.size(); ++i)
    if (preds[i].empty()) nodes[i]->try_put(tbb::flow::continue_msg());
}

void BM_TbbFlowGraphBaseline(benchmark::State& state) {
  const auto shape = static_cast<DagShape>(state.range(0));
  const auto preds = tg::bench::make_dag(shape, static_cast<std::uint32_t>(state.range(1)));
  tbb::task_arena arena(kThreads);
  for (auto _ : state) {
    arena.execute([&] {
      tbb::flow::graph g;
      const FlowNodes nodes = wire_flow_graph(g, preds);
      start_flow_roots(nodes, preds);
      g.wait_for_all();
    });
  }
  state.SetLabel(std::string(tg::bench::shape_name(shape)) + "/tbb_flow_graph");
  report(state, preds.size());
}

// The shapes of the run-only rows: DagShape's, then the two wide ones.
enum RunShape { kPureFanOut = static_cast<int>(DagShape::Random) + 1, kPureFanIn };

std::vector<std::vector<std::uint32_t>> make_run_dag(int shape, std::uint32_t n) {
  if (shape < kPureFanOut) return tg::bench::make_dag(static_cast<DagShape>(shape), n);
  std::vector<std::vector<std::uint32_t>> preds(n);
  if (shape == kPureFanOut)
    for (std::uint32_t i = 1; i < n; ++i) preds[i] = {0};
  else
    for (std::uint32_t i = 0; i + 1 < n; ++i) preds[n - 1].push_back(i);
  return preds;
}

std::string run_shape_name(int shape) {
  if (shape == kPureFanOut) return "fan_out";
  if (shape == kPureFanIn) return "fan_in";
  return tg::bench::shape_name(static_cast<DagShape>(shape));
}

template <bool Record> void BM_HostExecutorRunOnly(benchmark::State& state) {
  const int shape = static_cast<int>(state.range(0));
  const auto preds = make_run_dag(shape, static_cast<std::uint32_t>(state.range(1)));
  const tg::Graph g = build_explicit(preds, tg::Lint::Off);
  tg::HostExecutor executor(tg::HostExecutorOptions{kThreads, false, Record});
  tg::Bindings memory(g);
  for (auto _ : state) executor.run(g, memory);
  state.SetLabel(run_shape_name(shape) + (Record ? "/run_only/record" : "/run_only"));
  report(state, preds.size());
}

void BM_TbbFlowGraphRunOnly(benchmark::State& state) {
  const int shape = static_cast<int>(state.range(0));
  const auto preds = make_run_dag(shape, static_cast<std::uint32_t>(state.range(1)));
  tbb::task_arena arena(kThreads);
  arena.execute([&] {
    tbb::flow::graph g;
    const FlowNodes nodes = wire_flow_graph(g, preds);
    for (auto _ : state) {
      start_flow_roots(nodes, preds);
      g.wait_for_all();
    }
  });
  state.SetLabel(run_shape_name(shape) + "/run_only/tbb_flow_graph");
  report(state, preds.size());
}

void run_shapes(benchmark::internal::Benchmark* b) {
  for (int shape = 0; shape <= kPureFanIn; ++shape)
    for (int n : {10000, 100000}) b->Args({shape, n});
  b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
}

void shapes(benchmark::internal::Benchmark* b) {
  for (int shape = 0; shape <= static_cast<int>(DagShape::Random); ++shape)
    for (int n : {10000, 100000}) b->Args({shape, n});
  b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
}

BENCHMARK(BM_TbbFlowGraphBaseline)->Apply(shapes);
BENCHMARK_TEMPLATE(BM_HostExecutor, kExplicit, tg::Lint::Off)->Apply(shapes);
BENCHMARK_TEMPLATE(BM_HostExecutor, kInferred, tg::Lint::Off)->Apply(shapes);
BENCHMARK_TEMPLATE(BM_HostExecutor, kExplicit, tg::Lint::On)->Apply(shapes);
BENCHMARK_TEMPLATE(BM_HostExecutor, kInferred, tg::Lint::On)->Apply(shapes);
BENCHMARK(BM_TbbFlowGraphRunOnly)->Apply(run_shapes);
BENCHMARK_TEMPLATE(BM_HostExecutorRunOnly, false)->Apply(run_shapes);
BENCHMARK_TEMPLATE(BM_HostExecutorRunOnly, true)->Apply(run_shapes);

}  // namespace

int main(int argc, char** argv) {
  // Keep freed memory in the process: on VMs where a first-touch page fault costs tens of
  // microseconds, returning each iteration's graph to the OS would make every variant
  // (baseline included) measure the page-fault rate instead of dispatch.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
