#pragma once
// This machine's own limits, measured in the benchmark binary so every kernel figure can be
// stated as a fraction of its roofline bound = max(flops / compute peak, bytes / bandwidth).
// Measured once per process (best of a few short runs, since the machine may be shared).
// Single-thread figures use thread CPU time, so time slices lost to other processes on a
// shared machine do not count; the 2-thread figures are wall time.
#include <string>

namespace tg::bench {

struct MachineLimits {
  double fp32_fma_gflops = 0;   // per core, widest FMA the CPU has
  double bf16_dot_gflops = 0;   // per core, vdpbf16ps (0 without AVX512_BF16)
  double int8_dot_gops = 0;     // per core, vpdpbusd (0 without AVX512_VNNI)
  double triad_gbs_1 = 0;       // STREAM triad, 1 thread (thread CPU time)
  double triad_gbs_2 = 0;       // STREAM triad, 2 threads (wall time)
};

const MachineLimits& machine_limits();

// STREAM triad array length: 3 arrays x 128 MB, several times any last-level cache here (two
// 32 MB L3 slices would hold much of 3 x 32 MB and inflate the 2-thread figure).
inline constexpr long kTriadElements = 32L << 20;

// Seconds for one STREAM triad pass over `elements` floats per array on `threads` threads
// (thread CPU time for 1 thread, wall time otherwise).
double triad_seconds(long elements, int threads);

// Roofline of a kernel run: returns the fraction of the bound achieved and names the bound.
struct Roofline {
  double fraction;
  const char* bound;  // "compute" or "memory"
};
Roofline roofline(double seconds, double ops, double bytes, double compute_peak_gops, double bandwidth_gbs);

}  // namespace tg::bench
