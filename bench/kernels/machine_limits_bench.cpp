// The machine's limits as benchmarks of their own (the same figures the kernel benchmarks
// divide by): fp32 FMA, bf16 dot and int8 dot peaks per core, STREAM triad on 1 and 2 threads.
#include <benchmark/benchmark.h>

#include "kernels/cpu_path.hpp"
#include "machine_limits.hpp"
#include "peak_loops.hpp"

namespace tg::bench {
namespace {

using kernels::CpuPath;

template <double (*Loop)(std::int64_t)>
void peak(benchmark::State& state) {
  if (!kernels::cpu_path_supported(CpuPath::avx512)) {
    state.SkipWithError("needs AVX-512 BF16/VNNI");
    return;
  }
  double ops = 0;
  for (auto _ : state) ops += Loop(200'000);
  state.counters["Gops"] = benchmark::Counter(ops * 1e-9, benchmark::Counter::kIsRate);
}

void stream_triad(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const long n = kTriadElements;
  double seconds = 0;
  for (auto _ : state) {
    const double s = triad_seconds(n, threads);
    state.SetIterationTime(s);
    seconds += s;
  }
  state.counters["GBps"] = benchmark::Counter(3.0 * 4.0 * n * static_cast<double>(state.iterations()) * 1e-9,
                                              benchmark::Counter::kIsRate);
}

BENCHMARK(peak<fp32_fma_loop_avx512>)->Name("limits/fp32_fma_peak_per_core");
BENCHMARK(peak<bf16_dot_loop_avx512>)->Name("limits/bf16_dot_peak_per_core");
BENCHMARK(peak<int8_dot_loop_avx512>)->Name("limits/int8_vnni_peak_per_core");
BENCHMARK(stream_triad)->Name("limits/stream_triad")->Arg(1)->Arg(2)->UseManualTime();

}  // namespace
}  // namespace tg::bench
