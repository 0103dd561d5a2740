#pragma once
// This machine's own limits, probed in the benchmark binary by instruction loops written for
// the purpose (peak_loops.hpp) and STREAM triad, so every kernel or scope figure can be stated
// as a fraction of its roofline bound = max(ops / compute peak, bytes / bandwidth), never of a
// kernel's own speed. Every ISA the CPU has is probed; the ones it lacks read 0 and are named
// in `skipped`. Measured once per process (best of a few short runs: the machine may be
// shared). Single-thread figures use thread CPU time, so time slices lost to other processes
// do not count; the 2-thread triad is wall time.
// Header-only (target attributes instead of per-file flags), so any benchmark binary that
// links TBB can include it.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "kernels/cpu_path.hpp"
#include "peak_loops.hpp"

namespace tg::bench {

struct MachineLimits {
  // Per core; 0 where the CPU lacks the instructions.
  double fp32_fma_avx2_gflops = 0;    // vfmadd231ps ymm
  double fp32_fma_avx512_gflops = 0;  // vfmadd231ps zmm
  double bf16_dot_gflops = 0;         // vdpbf16ps zmm (AVX512_BF16)
  double int8_vnni_gops = 0;          // vpdpbusd zmm (AVX512_VNNI)
  double int8_maddubs_avx2_gops = 0;  // vpmaddubsw + vpmaddwd + vpaddd ymm
  double int16_madd_avx2_gops = 0;    // vpmaddwd + vpaddd ymm (int8 widened to int16)
  double triad_gbs_1 = 0;             // STREAM triad, 1 thread (thread CPU time)
  double triad_gbs_2 = 0;             // STREAM triad, 2 threads (wall time)
  std::string skipped;                // the probes this CPU cannot run, and why

  double fp32_fma_gflops() const { return std::max(fp32_fma_avx2_gflops, fp32_fma_avx512_gflops); }
  double triad_gbs(int threads) const { return threads <= 1 ? triad_gbs_1 : triad_gbs_2; }
  // Per-core peak of the instructions a matmul path uses: vdpbf16ps / vpdpbusd on avx512,
  // fp32 FMA / the faster AVX2 int8 route on avx2. The scalar path is held to the best path
  // of this CPU (what the machine could do, not what the scalar loop can).
  double matmul_peak_gops(kernels::CpuPath path, bool int8) const {
    using kernels::CpuPath;
    if (path == CpuPath::scalar) path = kernels::cpu_path_supported(CpuPath::avx512) ? CpuPath::avx512 : CpuPath::avx2;
    if (path == CpuPath::avx512) return int8 ? int8_vnni_gops : bf16_dot_gflops;
    return int8 ? std::max(int8_maddubs_avx2_gops, int16_madd_avx2_gops) : fp32_fma_avx2_gflops;
  }
  const char* matmul_peak_name(kernels::CpuPath path, bool int8) const {
    using kernels::CpuPath;
    if (path == CpuPath::scalar) path = kernels::cpu_path_supported(CpuPath::avx512) ? CpuPath::avx512 : CpuPath::avx2;
    if (path == CpuPath::avx512) return int8 ? "int8_vnni_peak" : "bf16_dot_peak";
    return int8 ? "int8_avx2_peak" : "fp32_fma_avx2_peak";
  }
};

// STREAM triad array length: 3 arrays x 128 MB, several times any last-level cache here (two
// 32 MB L3 slices would hold much of 3 x 32 MB and inflate the 2-thread figure).
inline constexpr long kTriadElements = 32L << 20;

namespace limits_detail {

// Thread CPU time: on a shared machine, time slices lost to other processes do not count.
inline double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// Best rate (ops / thread CPU second) of a few runs of a peak loop.
inline double best_rate(double (*loop)(std::int64_t), std::int64_t iterations, int repeats) {
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = thread_cpu_seconds();
    const double ops = loop(iterations);
    best = std::max(best, ops / (thread_cpu_seconds() - t0));
  }
  return best;
}

struct TriadArrays {
  std::vector<float> a, b, c;
  explicit TriadArrays(long n) : a(static_cast<std::size_t>(n), 1.0f), b(a.size(), 2.0f), c(a.size(), 0.5f) {}
};

}  // namespace limits_detail

// Seconds for one STREAM triad pass over `elements` floats per array on `threads` threads
// (thread CPU time for 1 thread, wall time otherwise).
inline double triad_seconds(long elements, int threads) {
  static limits_detail::TriadArrays arrays(elements);
  if (static_cast<long>(arrays.a.size()) != elements) arrays = limits_detail::TriadArrays(elements);
  float* a = arrays.a.data();
  const float* b = arrays.b.data();
  const float* c = arrays.c.data();
  const float s = 3.0f;
  if (threads == 1) {  // on the calling thread, in its CPU time (as the 1-thread kernel rows)
    const double t0 = limits_detail::thread_cpu_seconds();
    for (long i = 0; i < elements; ++i) a[i] = b[i] + s * c[i];
    asm volatile("" : : "r"(a) : "memory");
    return limits_detail::thread_cpu_seconds() - t0;
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const auto t0 = std::chrono::steady_clock::now();
  // One contiguous block per thread, as STREAM's static OpenMP schedule does; wall time.
  tbb::parallel_for(0, threads, [&](int t) {
    const long lo = elements * t / threads, hi = elements * (t + 1) / threads;
    for (long i = lo; i < hi; ++i) a[i] = b[i] + s * c[i];
  });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The probes, once per process; prints one line to stderr naming what this CPU cannot run.
inline const MachineLimits& machine_limits() {
  static const MachineLimits limits = [] {
    using kernels::CpuPath;
    using limits_detail::best_rate;
    MachineLimits m;
    // A few ms per run, best of 20: on the shared host one 5-run window came out 10-20% low
    // (the clock or a neighbour's load), which let kernel rows exceed a fraction of 1.
    const std::int64_t iters = 2'000'000;
    const int repeats = 20;
    if (kernels::cpu_path_supported(CpuPath::avx2)) {
      m.fp32_fma_avx2_gflops = best_rate(fp32_fma_loop_avx2, iters, repeats) * 1e-9;
      m.int8_maddubs_avx2_gops = best_rate(int8_maddubs_loop_avx2, iters, repeats) * 1e-9;
      m.int16_madd_avx2_gops = best_rate(int16_madd_loop_avx2, iters, repeats) * 1e-9;
    } else {
      m.skipped += "AVX2+FMA probes (the CPU lacks AVX2 or FMA); ";
    }
    if (kernels::cpu_path_supported(CpuPath::avx512)) {
      m.fp32_fma_avx512_gflops = best_rate(fp32_fma_loop_avx512, iters, repeats) * 1e-9;
      m.bf16_dot_gflops = best_rate(bf16_dot_loop_avx512, iters, repeats) * 1e-9;
      m.int8_vnni_gops = best_rate(int8_dot_loop_avx512, iters, repeats) * 1e-9;
    } else {
      m.skipped += "AVX-512 probes (fp32 zmm FMA, vdpbf16ps, vpdpbusd: the CPU lacks AVX-512 F/BW/VL/DQ+BF16+VNNI); ";
    }
    const long n = kTriadElements;
    const double bytes = 3.0 * 4.0 * static_cast<double>(n);
    for (int threads : {1, 2}) {
      double best = 1e30;
      for (int r = 0; r < 8; ++r) best = std::min(best, triad_seconds(n, threads));
      (threads == 1 ? m.triad_gbs_1 : m.triad_gbs_2) = bytes / best * 1e-9;
    }
    std::fprintf(stderr,
                 "machine limits: fp32 FMA avx2 %.1f / avx512 %.1f GFLOP/s, bf16 dot %.1f GFLOP/s, int8 vnni %.1f / "
                 "avx2 maddubs %.1f / avx2 int16 madd %.1f Gop/s per core; STREAM triad %.1f GB/s (1 thread), %.1f "
                 "GB/s (2 threads)\n",
                 m.fp32_fma_avx2_gflops, m.fp32_fma_avx512_gflops, m.bf16_dot_gflops, m.int8_vnni_gops,
                 m.int8_maddubs_avx2_gops, m.int16_madd_avx2_gops, m.triad_gbs_1, m.triad_gbs_2);
    if (!m.skipped.empty()) std::fprintf(stderr, "machine limits: skipped %s\n", m.skipped.c_str());
    return m;
  }();
  return limits;
}

// Roofline of a run: the fraction of the bound achieved, and which bound binds.
struct Roofline {
  double fraction;
  const char* bound;  // "compute" or "memory"
};
inline Roofline roofline(double seconds, double ops, double bytes, double compute_peak_gops, double bandwidth_gbs) {
  const double compute_s = compute_peak_gops > 0 ? ops / (compute_peak_gops * 1e9) : 0;
  const double memory_s = bandwidth_gbs > 0 ? bytes / (bandwidth_gbs * 1e9) : 0;
  const double bound_s = std::max(compute_s, memory_s);
  return {bound_s / seconds, compute_s >= memory_s ? "compute" : "memory"};
}

}  // namespace tg::bench
