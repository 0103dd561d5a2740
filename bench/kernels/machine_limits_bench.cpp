// The machine's limits as benchmarks of their own (the same loops the kernel benchmarks'
// bounds come from): fp32 FMA (AVX2 and AVX-512), bf16 dot, int8 dot (VNNI and the AVX2
// routes) per core, STREAM triad on 1 and 2 threads. A probe the CPU cannot run is skipped
// with a message naming what it lacks.
#include <benchmark/benchmark.h>

#include "kernels/cpu_path.hpp"
#include "machine_limits.hpp"
#include "peak_loops.hpp"

namespace tg::bench {
namespace {

using kernels::CpuPath;

template <double (*Loop)(std::int64_t), CpuPath kPath>
void peak(benchmark::State& state) {
  if (!kernels::cpu_path_supported(kPath)) {
    state.SkipWithError(kPath == CpuPath::avx512
                            ? "skipped: this CPU lacks AVX-512 F/BW/VL/DQ + BF16 + VNNI"
                            : "skipped: this CPU lacks AVX2 + FMA");
    return;
  }
  double ops = 0;
  for (auto _ : state) ops += Loop(200'000);
  state.counters["Gops"] = benchmark::Counter(ops * 1e-9, benchmark::Counter::kIsRate);
}

void stream_triad(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const long n = kTriadElements;
  for (auto _ : state) state.SetIterationTime(triad_seconds(n, threads));
  state.counters["GBps"] = benchmark::Counter(3.0 * 4.0 * n * static_cast<double>(state.iterations()) * 1e-9,
                                              benchmark::Counter::kIsRate);
}

BENCHMARK(peak<fp32_fma_loop_avx2, CpuPath::avx2>)->Name("limits/fp32_fma_avx2_peak_per_core");
BENCHMARK(peak<int8_maddubs_loop_avx2, CpuPath::avx2>)->Name("limits/int8_maddubs_avx2_peak_per_core");
BENCHMARK(peak<int16_madd_loop_avx2, CpuPath::avx2>)->Name("limits/int16_madd_avx2_peak_per_core");
BENCHMARK(peak<fp32_fma_loop_avx512, CpuPath::avx512>)->Name("limits/fp32_fma_avx512_peak_per_core");
BENCHMARK(peak<bf16_dot_loop_avx512, CpuPath::avx512>)->Name("limits/bf16_dot_peak_per_core");
BENCHMARK(peak<int8_dot_loop_avx512, CpuPath::avx512>)->Name("limits/int8_vnni_peak_per_core");
BENCHMARK(stream_triad)->Name("limits/stream_triad")->Arg(1)->Arg(2)->UseManualTime();

}  // namespace
}  // namespace tg::bench
