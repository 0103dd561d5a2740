// How well a fitted host preset predicts runs it was not fitted on (docs/calibration.md,
// docs/performance.md). Each case runs a graph on the HostExecutor (real kernels) every
// iteration and simulates it once on the fitted preset:
//   measured_us   median host makespan over the iterations (Timeline::makespan_ns)
//   predicted_us  the simulated makespan on the fitted preset (deterministic)
//   error_pct     (predicted - measured) / measured; the target is within +-15% at 2 threads
// The preset comes from TG_FITTED_MACHINE (default host-fitted.json), written by
//   tilegraph calibrate --host --threads 2 -o host-fitted.json
// Cases: the V3.2 decode scope 1 and the V4 scopes (small and full configs), and random DAGs
// of library kernels (rmsnorm and matmul tiles) the calibration never ran.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <vector>

#include "kernels/descriptors/descriptors.hpp"
#include "models/common/registry.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
namespace kd = kernels::descriptors;

constexpr int kThreads = 2;

const Machine& fitted_machine() {
  static const Machine m = [] {
    const char* path = std::getenv("TG_FITTED_MACHINE");
    try {
      return load_machine(path ? path : "host-fitted.json");
    } catch (const Error& e) {
      // The preset to judge is the user's fit: say how to make one rather than abort.
      std::cerr << "calibration_prediction_bench: " << e.what()
                << "\n  fit one first: tilegraph calibrate --host -o host-fitted.json"
                   " (or set TG_FITTED_MACHINE=FILE)\n";
      std::exit(2);
    }
  }();
  return m;
}

// A graph with its memory: a model run, or a random DAG with its tensors.
struct Case {
  std::unique_ptr<models::ModelRun> model;
  std::unique_ptr<Graph> graph;
  std::unique_ptr<Bindings> memory;
  const Graph& g() const { return model ? model->graph() : *graph; }
  RunResult run(HostExecutor& ex) { return model ? model->run(ex, 0) : ex.run(*graph, *memory); }
};

// `n` tasks: matmul tiles [16 x 1024] @ [1024 x 64] writing their own block, and rmsnorms
// [16 x 64] each reading a random earlier block and writing its own: a random DAG whose
// roots are the matmuls.
Case random_dag(int n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Scope s{"random_kernels"};
  auto a = s.input("a", {16, 1024}, BF16);
  auto w = s.weight("w", {1024, 64 * n}, BF16);
  auto cells = s.staging("cells", {16, 64 * n}, FP32);
  auto out = s.output("out", {16, 64 * n}, FP32);
  std::vector<int> written;
  for (int i = 0; i < n; ++i) {
    const auto block = [&](const View& v, int k) { return v.cols(64 * k, 64); };
    if (written.empty() || rng() % 3 == 0) {
      s.cube("matmul", kd::matmul(), {.a = In(a), .b = In(block(w, i)), .c = Out(block(cells, i))});
      written.push_back(i);
    } else {
      const int from = written[rng() % written.size()];
      s.vector("rmsnorm", kd::rmsnorm(), {.x = In(block(cells, from)), .y = Out(block(out, i))});
    }
  }
  Case c;
  c.graph = std::make_unique<Graph>(s.finalize({.lint = Lint::Off}));  // some staging blocks are never read
  c.memory = std::make_unique<Bindings>(*c.graph);
  c.memory->bind("a", Tensor("a", BF16, {16, 1024}));
  c.memory->bind("w", Tensor("w", BF16, {1024, 64 * n}));
  return c;
}

Case model_case(const char* name, const char* config) {
  models::ModelOptions options;
  options.config = config;
  Case c;
  c.model = models::find_model(name).make(options);
  c.model->generate_inputs(1);
  return c;
}

void predict(benchmark::State& state, Case c) {
  HostExecutor executor(kThreads);
  (void)c.run(executor);  // warm-up: first touch of the staging pool
  std::vector<double> makespans;
  for (auto _ : state) makespans.push_back(static_cast<double>(c.run(executor).timeline.makespan_ns));
  std::sort(makespans.begin(), makespans.end());
  const double measured = makespans[makespans.size() / 2];
  const double predicted = static_cast<double>(SimExecutor(fitted_machine()).simulate(c.g()).timeline.makespan_ns);
  state.counters["tasks"] = static_cast<double>(c.g().num_tasks());
  state.counters["measured_us"] = measured / 1e3;
  state.counters["predicted_us"] = predicted / 1e3;
  state.counters["error_pct"] = measured > 0 ? 100.0 * (predicted - measured) / measured : 0.0;
}

void register_all() {
  for (const char* config : {"small", "full"}) {
    for (const char* model : {"v32-decode-scope1", "v4-qkv-proj-rope", "v4-swa-attention"})
      benchmark::RegisterBenchmark((std::string("BM_Prediction/") + model + "/" + config).c_str(),
                                   [=](benchmark::State& s) { predict(s, model_case(model, config)); })
          ->Iterations(9)
          ->Unit(benchmark::kMillisecond);
  }
  for (const int n : {32, 128, 512})
    for (const std::uint32_t seed : {1u, 2u})
      benchmark::RegisterBenchmark(("BM_Prediction/random_dag/" + std::to_string(n) + "/seed" + std::to_string(seed)).c_str(),
                                   [=](benchmark::State& s) { predict(s, random_dag(n, seed)); })
          ->Iterations(9)
          ->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
