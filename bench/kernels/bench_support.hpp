#pragma once
// Shared pieces of the kernel benchmarks: buffers with random contents, a 2-thread column
// split (what a caller running two SPMD blocks does), and the roofline counters.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "machine_limits.hpp"
#include "runtime/bf16.hpp"
#include "runtime/tensor.hpp"
#include "runtime/view.hpp"

namespace tg::bench {

inline std::unique_ptr<Tensor> random_buffer(const std::string& name, DType dtype, Shape shape, std::uint64_t seed) {
  auto b = std::make_unique<Tensor>(name, dtype, std::move(shape));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (std::int64_t i = 0; i < b->numel(); ++i) {
    switch (dtype) {
      case DType::FP32: b->data_as<float>()[i] = dist(rng); break;
      case DType::BF16: b->data_as<bf16>()[i] = bf16(dist(rng)); break;
      case DType::INT8: b->data_as<std::int8_t>()[i] = static_cast<std::int8_t>(dist(rng) * 127); break;
      case DType::INT32: b->data_as<std::int32_t>()[i] = static_cast<std::int32_t>(dist(rng) * 1000); break;
      case DType::FP16: break;
    }
  }
  return b;
}

// Sets the counters every kernel benchmark reports: achieved rate, the fraction of the
// roofline bound (max of compute time at the peak and memory time at STREAM bandwidth, both
// measured in this binary), and which bound binds (in the label). Rates use the benchmark's
// time base: thread CPU time for 1-thread runs, wall time for 2-thread runs (UseRealTime).
inline void report_roofline(benchmark::State& state, double ops_per_iter, double bytes_per_iter,
                            double compute_peak_gops, double bandwidth_gbs, const std::string& compute_name) {
  const double iters = static_cast<double>(state.iterations());
  state.counters["Gops"] = benchmark::Counter(ops_per_iter * iters * 1e-9, benchmark::Counter::kIsRate);
  state.counters["GBps"] = benchmark::Counter(bytes_per_iter * iters * 1e-9, benchmark::Counter::kIsRate);
  // The bound's seconds per iteration, summed and divided by the measured seconds (kIsRate):
  // bound time / measured time = the fraction of the roofline reached.
  const Roofline bound = roofline(1.0, ops_per_iter, bytes_per_iter, compute_peak_gops, bandwidth_gbs);
  state.counters["roofline"] = benchmark::Counter(bound.fraction * iters, benchmark::Counter::kIsRate);
  state.counters["peak_Gops"] = compute_peak_gops;  // the limits this row is divided by
  state.counters["stream_GBps"] = bandwidth_gbs;
  state.SetLabel(std::string("bound=") + (bound.bound[0] == 'c' ? compute_name : std::string("memory(STREAM)")));
}

}  // namespace tg::bench
