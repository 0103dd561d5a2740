#include "machine_limits.hpp"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

#include "kernels/cpu_path.hpp"
#include "peak_loops.hpp"

namespace tg::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Thread CPU time: on a shared machine, time slices lost to other processes do not count.
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

template <class F>
double best_rate(F&& loop, std::int64_t iterations, int repeats) {
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = thread_cpu_seconds();
    const double ops = loop(iterations);
    const double s = thread_cpu_seconds() - t0;
    best = std::max(best, ops / s);
  }
  return best;
}

void benchmark_keep(float* p) { asm volatile("" : : "r"(p) : "memory"); }

struct TriadArrays {
  std::vector<float> a, b, c;
  explicit TriadArrays(long n) : a(static_cast<std::size_t>(n), 1.0f), b(a.size(), 2.0f), c(a.size(), 0.5f) {}
};

}  // namespace

double triad_seconds(long elements, int threads) {
  static TriadArrays arrays(elements);
  if (static_cast<long>(arrays.a.size()) != elements) arrays = TriadArrays(elements);
  float* a = arrays.a.data();
  const float* b = arrays.b.data();
  const float* c = arrays.c.data();
  const float s = 3.0f;
  if (threads == 1) {  // on the calling thread, in its CPU time (as the 1-thread kernel rows)
    const double t0 = thread_cpu_seconds();
    for (long i = 0; i < elements; ++i) a[i] = b[i] + s * c[i];
    benchmark_keep(a);
    return thread_cpu_seconds() - t0;
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const auto t0 = Clock::now();
  // One contiguous block per thread, as STREAM's static OpenMP schedule does; wall time.
  tbb::parallel_for(0, threads, [&](int t) {
    const long lo = elements * t / threads, hi = elements * (t + 1) / threads;
    for (long i = lo; i < hi; ++i) a[i] = b[i] + s * c[i];
  });
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

const MachineLimits& machine_limits() {
  static const MachineLimits limits = [] {
    MachineLimits m;
    using kernels::CpuPath;
    const bool avx512 = kernels::cpu_path_supported(CpuPath::avx512);
    const std::int64_t iters = 2'000'000;  // ~50 ms per run at 4 GHz
    if (avx512) {
      m.fp32_fma_gflops = best_rate(fp32_fma_loop_avx512, iters, 3) * 1e-9;
      m.bf16_dot_gflops = best_rate(bf16_dot_loop_avx512, iters, 3) * 1e-9;
      m.int8_dot_gops = best_rate(int8_dot_loop_avx512, iters, 3) * 1e-9;
    } else if (kernels::cpu_path_supported(CpuPath::avx2)) {
      m.fp32_fma_gflops = best_rate(fp32_fma_loop_avx2, iters, 3) * 1e-9;
    }
    const long n = kTriadElements;
    const double bytes = 3.0 * 4.0 * static_cast<double>(n);
    for (int threads : {1, 2}) {
      double best = 1e30;
      for (int r = 0; r < 5; ++r) best = std::min(best, triad_seconds(n, threads));
      (threads == 1 ? m.triad_gbs_1 : m.triad_gbs_2) = bytes / best * 1e-9;
    }
    return m;
  }();
  return limits;
}

Roofline roofline(double seconds, double ops, double bytes, double compute_peak_gops, double bandwidth_gbs) {
  const double compute_s = compute_peak_gops > 0 ? ops / (compute_peak_gops * 1e9) : 0;
  const double memory_s = bandwidth_gbs > 0 ? bytes / (bandwidth_gbs * 1e9) : 0;
  const double bound_s = std::max(compute_s, memory_s);
  return {bound_s / seconds, compute_s >= memory_s ? "compute" : "memory"};
}

}  // namespace tg::bench
