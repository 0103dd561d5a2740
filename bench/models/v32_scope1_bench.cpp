// DeepSeek V3.2 decode scope 1 (full dims, B = 16) end to end on the HostExecutor, 1 and 2
// threads, against its roofline bound on this host:
//   bound = max(matmul flops / (matmul peak * threads), weight bytes / STREAM bandwidth)
// with the machine's limits probed in this binary (bench/kernels/machine_limits.hpp: the
// peak of the instructions the active kernel path uses, e.g. fp32 FMA on AVX2 or vdpbf16ps
// on AVX-512, and STREAM triad on 1 / 2 threads), never a kernel's own speed
// (BM_Bf16MatmulPeak and BM_WeightStream are kept for information). Counters:
//   scope_ms            wall time of one scope run
//   roofline_fraction   bound / scope time (1 = at the bound)
//   sched_overhead_pct  (scope time - sum of kernel times / threads) / scope time
//   cpu_ms              process CPU time per scope (all threads): the work, unaffected by
//                       other processes descheduling ours on a shared host
//   cpu_roofline_fraction  bound / (cpu_ms / threads)
//   pack_ms             host tiling: packing the weights once when the inputs are bound
//                       (not in any per-scope figure)
#include <benchmark/benchmark.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <ctime>
#include <numeric>

#include "../kernels/machine_limits.hpp"
#include "cpu_clock.hpp"
#include "kernels/cpu_path.hpp"
#include "kernels/matmul.hpp"
#include "models/deepseek_v3_2/scope1_run.hpp"
#include "scheduler/host_executor.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using tg::models::deepseek_v3_2::Scope1Config;
using tg::models::deepseek_v3_2::Scope1Run;

struct HostLimits {
  double matmul_flops_per_s_per_thread = 0;
  double stream_bytes_per_s[3] = {0, 0, 0};  // by thread count 1, 2
};

using tg::bench::process_cpu_s;
using tg::bench::thread_cpu_s;

// The scope's cube work and weight bytes, from its config.
double scope_matmul_flops(const Scope1Config& c) {
  return 2.0 * static_cast<double>(c.batch) *
         static_cast<double>(c.hidden * c.q_lora_rank + c.q_lora_rank * c.q_proj_cols() + c.hidden * c.kv_a_out());
}
double scope_weight_bytes(const Scope1Config& c) {
  return 2.0 * static_cast<double>(c.hidden * c.q_lora_rank + c.q_lora_rank * c.q_proj_cols() + c.hidden * c.kv_a_out());
}

// bf16 matmul peak of one thread: the scope's own tile shape (16 x 512 @ 512 x 64), hot in L1.
double measure_matmul_peak() {
  tg::Tensor a("a", tg::BF16, {16, 512}), b("b", tg::BF16, {512, 64}),
      c("c", tg::FP32, {16, 64});
  for (std::int64_t i = 0; i < a.numel(); ++i) a.data_as<tg::bf16>()[i] = tg::bf16(0.001f * static_cast<float>(i % 97));
  for (std::int64_t i = 0; i < b.numel(); ++i) b.data_as<tg::bf16>()[i] = tg::bf16(0.002f * static_cast<float>(i % 89));
  const tg::View va(a), vb(b), vc(c);
  const int reps = 1000;
  double best_s = 1e30;
  for (int trial = 0; trial < 5; ++trial) {  // best of 5: the host is shared
    const double t0 = thread_cpu_s();
    for (int r = 0; r < reps; ++r) tg::kernels::matmul(va, vb, vc, {.accumulate = r > 0});
    best_s = std::min(best_s, thread_cpu_s() - t0);
    benchmark::DoNotOptimize(c.data());
  }
  return 2.0 * 16 * 512 * 64 * reps / best_s;
}

// Read bandwidth over `bytes` (beyond the caches) with `threads` threads, best of 3, as
// bytes / (process CPU time / threads).
double measure_stream(std::size_t bytes, int threads) {
  std::vector<std::uint64_t> data(bytes / 8, 1);
  tbb::task_arena arena(threads);
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::uint64_t total = 0;
    const double t0 = process_cpu_s();
    arena.execute([&] {
      total = tbb::parallel_reduce(
          tbb::blocked_range<std::size_t>(0, data.size(), 1 << 16), std::uint64_t{0},
          [&](const tbb::blocked_range<std::size_t>& r, std::uint64_t acc) {
            for (std::size_t i = r.begin(); i < r.end(); ++i) acc += data[i];
            return acc;
          },
          std::plus<>());
    });
    const double s = (process_cpu_s() - t0) / threads;
    benchmark::DoNotOptimize(total);
    best = std::max(best, static_cast<double>(bytes) / s);
  }
  return best;
}

const HostLimits& host_limits() {
  static const HostLimits limits = [] {
    HostLimits l;
    const auto& probed = tg::bench::machine_limits();
    l.matmul_flops_per_s_per_thread = probed.matmul_peak_gops(tg::kernels::active_cpu_path(), false) * 1e9;
    for (int t : {1, 2}) l.stream_bytes_per_s[t] = probed.triad_gbs(t) * 1e9;
    return l;
  }();
  return limits;
}

void BM_Bf16MatmulPeak(benchmark::State& state) {
  for (auto _ : state) state.counters["gflops_per_thread"] = measure_matmul_peak() / 1e9;
}
BENCHMARK(BM_Bf16MatmulPeak)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_WeightStream(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const auto bytes = static_cast<std::size_t>(scope_weight_bytes(Scope1Config::full()));
  for (auto _ : state) state.counters["gbytes_per_s"] = measure_stream(bytes, threads) / 1e9;
}
BENCHMARK(BM_WeightStream)->Arg(1)->Arg(2)->Iterations(1)->Unit(benchmark::kMillisecond);

// Args: threads, Q_OUT_TILE, LORA_TILE, host (64, 64, 0 = the reference program's tiling;
// wider output tiles read wq_b in longer row segments, which the host's caches and TLB prefer;
// a wider LORA_TILE means fewer, longer K chunks in q_head_proj). host = 1: the host tiling
// (config.hpp: its own wide tiles, one matmul over the whole K on weights packed once; the
// two tile args are then ignored and given as 0).
void BM_V32Scope1Host(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  auto config = Scope1Config::full();
  if (state.range(3) != 0) {
    config.tiling = tg::models::deepseek_v3_2::Tiling::host;
  } else {
    config.q_out_tile = state.range(1);
    config.lora_tile = state.range(2);
  }
  auto run = std::make_unique<Scope1Run>(config, tg::models::deepseek_v3_2::Scope1Bug::none);
  run->generate_inputs(1);
  const auto& limits = host_limits();
  tg::HostExecutor executor(threads);
  // Timed runs go straight to the executor: staging from its pool, caches updated in place
  // (ModelRun::run would also restore the caches and keep the staging for a golden check).
  executor.run(run->graph(), run->bindings());  // warm-up: first touch of the staging pool
  double scope_s = 0, kernel_s = 0;
  std::int64_t runs = 0;
  const double cpu0 = process_cpu_s();
  for (auto _ : state) {
    const auto t0 = Clock::now();
    const auto timeline = executor.run(run->graph(), run->bindings()).timeline;
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(s);
    scope_s += s;
    for (const auto& row : timeline.rows()) kernel_s += static_cast<double>(row.end_ns - row.start_ns) * 1e-9;
    ++runs;
  }
  const double cpu_s = process_cpu_s() - cpu0;
  const auto& c = run->config();
  const double per_scope = scope_s / static_cast<double>(runs);
  const double kernels_per_thread = kernel_s / static_cast<double>(runs) / threads;
  const double bound = std::max(scope_matmul_flops(c) / (limits.matmul_flops_per_s_per_thread * threads),
                                scope_weight_bytes(c) / limits.stream_bytes_per_s[threads]);
  state.counters["scope_ms"] = per_scope * 1e3;
  state.counters["bound_ms"] = bound * 1e3;
  state.counters["roofline_fraction"] = bound / per_scope;
  state.counters["sched_overhead_pct"] = 100.0 * (per_scope - kernels_per_thread) / per_scope;
  state.counters["cpu_ms"] = cpu_s / static_cast<double>(runs) * 1e3;
  // The fraction as it would be with our threads never descheduled: CPU time spread over them.
  state.counters["cpu_roofline_fraction"] = bound / (cpu_s / static_cast<double>(runs) / threads);
  state.counters["tasks"] = static_cast<double>(run->graph().num_tasks());
  state.counters["pack_ms"] = run->packing_ms();
}
BENCHMARK(BM_V32Scope1Host)
    ->ArgNames({"threads", "q_out_tile", "lora_tile", "host"})
    ->Args({1, 64, 64, 0})
    ->Args({2, 64, 64, 0})
    ->Args({1, 0, 0, 1})
    ->Args({2, 0, 0, 1})
    ->Args({1, 512, 64, 0})
    ->Args({2, 512, 64, 0})
    ->Args({1, 512, 256, 0})
    ->Args({1, 1536, 256, 0})
    ->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
