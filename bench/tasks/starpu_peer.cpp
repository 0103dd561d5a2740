// The StarPU peer of dispatch_bench (compiled in when pkg-config finds Debian's starpu-1.3):
// the same DAG shapes as the inferred rows, with StarPU inferring the edges too. Task i
// writes the handle of cell i and reads its predecessors' handles; StarPU's sequential
// consistency turns those access modes into dependencies, as tilegraph's region inference
// does. One handle per cell, registered and unregistered in every iteration (tilegraph's
// inferred rows declare their regions in every iteration too), 2 CPU workers, the lws
// (locality work stealing) scheduler, empty CPU kernels. Process CPU time, as the other rows.
#include <benchmark/benchmark.h>
#include <starpu.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "bench/tasks/dag_shapes.hpp"

namespace {

using tg::bench::DagShape;

void empty_cpu_kernel(void**, void*) {}

// starpu_init once per process, starpu_shutdown at exit.
struct StarPURuntime {
  starpu_codelet codelet{};
  StarPURuntime() {
    ::setenv("STARPU_SILENT", "1", 0);
    starpu_conf conf;
    starpu_conf_init(&conf);
    conf.ncpus = 2;
    conf.ncuda = 0;
    conf.nopencl = 0;
    conf.sched_policy_name = "lws";
    if (starpu_init(&conf) != 0) throw std::runtime_error("starpu_init failed");
    codelet.where = STARPU_CPU;
    codelet.cpu_funcs[0] = empty_cpu_kernel;
    codelet.nbuffers = STARPU_VARIABLE_NBUFFERS;
  }
  ~StarPURuntime() { starpu_shutdown(); }
};

StarPURuntime& runtime() {
  static StarPURuntime instance;
  return instance;
}

void BM_StarPUInferred(benchmark::State& state) {
  const auto shape = static_cast<DagShape>(state.range(0));
  const auto preds = tg::bench::make_dag(shape, static_cast<std::uint32_t>(state.range(1)));
  StarPURuntime& rt = runtime();
  std::vector<std::int32_t> cells(preds.size(), 0);
  std::vector<starpu_data_handle_t> handles(preds.size());
  std::vector<starpu_data_descr> accesses;
  for (auto _ : state) {
    for (std::size_t i = 0; i < preds.size(); ++i)
      starpu_variable_data_register(&handles[i], STARPU_MAIN_RAM, reinterpret_cast<std::uintptr_t>(&cells[i]),
                                    sizeof(std::int32_t));
    for (std::size_t i = 0; i < preds.size(); ++i) {
      accesses.clear();
      accesses.push_back({handles[i], STARPU_W});
      for (auto p : preds[i]) accesses.push_back({handles[p], STARPU_R});
      if (starpu_task_insert(&rt.codelet, STARPU_DATA_MODE_ARRAY, accesses.data(), static_cast<int>(accesses.size()),
                             0) != 0) {
        state.SkipWithError("starpu_task_insert failed");
        return;
      }
    }
    starpu_task_wait_for_all();
    for (auto& h : handles) starpu_data_unregister(h);
  }
  state.SetLabel(std::string(tg::bench::shape_name(shape)) + "/starpu_inferred");
  state.counters["tasks"] = static_cast<double>(preds.size());
  state.counters["ns_per_task"] =
      benchmark::Counter(static_cast<double>(preds.size()) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void starpu_shapes(benchmark::internal::Benchmark* b) {
  for (int shape = 0; shape <= static_cast<int>(DagShape::Random); ++shape)
    for (int n : {10000, 100000}) b->Args({shape, n});
  b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
}

BENCHMARK(BM_StarPUInferred)->Apply(starpu_shapes);

}  // namespace
