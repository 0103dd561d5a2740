// matmul on the shapes, 1 and 2 threads (2 = the caller splits N in two column
// tiles, one per TBB task), on every path this CPU has, each as a fraction of its roofline
// bound: max(flops at the probed peak of the path's instructions, compulsory bytes (A, B and
// C once each) at the probed STREAM bandwidth).
#include <benchmark/benchmark.h>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <vector>

#include "bench_support.hpp"
#include "kernels/cpu_path.hpp"
#include "kernels/matmul.hpp"
#include "kernels/packed_weights.hpp"

namespace tg::bench {
namespace {

using kernels::CpuPath;

// args: M, K, N, threads, path, int8 (0/1), packed weights (0/1: B packed once before the
// timed loop, the packing time reported apart as pack_ms), transposed B (0/1: given as
// Bt [N, K], as V4's o_proj_a / o_proj_b and the attention scores keep it)
void matmul_bench(benchmark::State& state) {
  const std::int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  const int threads = static_cast<int>(state.range(3));
  const auto path = static_cast<CpuPath>(state.range(4));
  const bool int8 = state.range(5) != 0;
  const bool packed = state.range(6) != 0;
  const bool transposed = state.range(7) != 0;
  if (!kernels::cpu_path_supported(path)) {
    state.SkipWithError(("skipped: this CPU cannot run the " + std::string(kernels::name_of(path)) + " path").c_str());
    return;
  }
  kernels::ScopedCpuPath scoped(path);
  const DType in = int8 ? DType::INT8 : DType::BF16, out = int8 ? DType::INT32 : DType::FP32;
  auto a = random_buffer("a", in, {m, k}, 1);
  auto b = transposed ? random_buffer("b", in, {n, k}, 2) : random_buffer("b", in, {k, n}, 2);
  auto c = random_buffer("c", out, {m, n}, 3);
  const View av(*a), bv(*b), cv(*c);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const std::int64_t half = (n / 2 + 47) / 48 * 48;  // a boundary of every path's column tiles
  // Packed: one PackedWeights per thread's column half, as a caller binding weights would.
  std::vector<std::unique_ptr<kernels::PackedWeights>> weights;
  if (packed) {
    const auto t0 = std::chrono::steady_clock::now();
    if (threads == 1) weights.push_back(std::make_unique<kernels::PackedWeights>(bv));
    else
      for (int t = 0; t < 2; ++t)
        weights.push_back(std::make_unique<kernels::PackedWeights>(t == 0 ? bv.cols(0, half) : bv.cols(half, n - half)));
    state.counters["pack_ms"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
  timespec cpu0{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu0);
  for (auto _ : state) {
    if (threads == 1) {
      if (packed) kernels::matmul(av, *weights[0], cv);
      else if (transposed) kernels::matmul(av, bv, cv, {.b_layout = kernels::BLayout::transposed});
      else kernels::matmul(av, bv, cv);
    } else {
      tbb::parallel_for(0, 2, [&](int t) {
        const std::int64_t c0 = t == 0 ? 0 : half, cn = t == 0 ? half : n - half;
        if (packed) kernels::matmul(av, *weights[static_cast<std::size_t>(t)], cv.cols(c0, cn));
        else if (transposed)
          kernels::matmul(av, bv.rows(c0, cn), cv.cols(c0, cn), {.b_layout = kernels::BLayout::transposed});
        else kernels::matmul(av, bv.cols(c0, cn), cv.cols(c0, cn));
      });
    }
    benchmark::ClobberMemory();
  }
  timespec cpu1{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu1);
  const auto& lim = machine_limits();
  const double ops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  const double bytes = static_cast<double>(a->bytes() + b->bytes() + c->bytes());
  report_roofline(state, ops, bytes, lim.matmul_peak_gops(path, int8) * threads, lim.triad_gbs(threads),
                  lim.matmul_peak_name(path, int8));
  if (threads > 1) {
    // On a shared machine the wall time of 2 threads includes slices other processes took;
    // the bound over (process CPU time / threads) is the fraction with ours never descheduled
    // (pessimistic: TBB workers spinning between calls count as busy).
    const double cpu_s = static_cast<double>(cpu1.tv_sec - cpu0.tv_sec) + 1e-9 * static_cast<double>(cpu1.tv_nsec - cpu0.tv_nsec);
    const Roofline bound = roofline(1.0, ops, bytes, lim.matmul_peak_gops(path, int8) * threads, lim.triad_gbs(threads));
    state.counters["cpu_roofline"] =
        bound.fraction * static_cast<double>(state.iterations()) / (cpu_s / static_cast<double>(threads));
  }
}

void register_shapes() {
  struct Shape {
    std::int64_t m, k, n;
    bool int8;
  };
  // Decode shapes (M 8-16, K 1024-7168, N 512-24576) and GEMM 1024^3.
  const Shape shapes[] = {
      {16, 1536, 1536, false}, {16, 7168, 1536, false}, {16, 1536, 24576, false}, {16, 7168, 576, false},
      {8, 1024, 512, false},   {8, 7168, 2048, false},  {1024, 1024, 1024, false},
      {16, 1536, 1536, true},  {8, 1024, 32768, true},  {16, 7168, 1536, true},   {128, 1024, 32768, true},
      {1024, 1024, 1024, true},
  };
  for (CpuPath p : {CpuPath::avx512, CpuPath::avx2})
    for (bool packed : {false, true})
      for (const Shape& s : shapes)
        for (int threads : {1, 2}) {
          const std::string name = std::string(s.int8 ? "matmul_int8" : "matmul_bf16") + "/" +
                                   std::string(kernels::name_of(p)) + (packed ? "/packed" : "/view") + "/M" +
                                   std::to_string(s.m) + "_K" + std::to_string(s.k) + "_N" + std::to_string(s.n) +
                                   "/threads:" + std::to_string(threads);
          auto* b = benchmark::RegisterBenchmark(name.c_str(), matmul_bench)
                        ->Args({s.m, s.k, s.n, threads, static_cast<int>(p), s.int8, packed, 0})
                        ->Unit(benchmark::kMicrosecond);
          if (threads > 1) b->UseRealTime();  // 1 thread: thread CPU time (robust on a shared machine)
        }
  // Transposed B on V4's shapes: o_proj_a's host block (one group, 512 O_LORA rows of wo_a),
  // one group of o_proj_b's host block (512 D rows, K = O_LORA), the attention's q . kv^T.
  const Shape transposed_shapes[] = {{8, 4096, 512, false}, {8, 4096, 1024, false}, {16, 512, 128, false},
                                     {8, 1024, 512, true},  {8, 8192, 512, true}};
  for (CpuPath p : {CpuPath::avx512, CpuPath::avx2})
    for (const Shape& s : transposed_shapes)
      for (int threads : {1, 2}) {
        const std::string name = std::string(s.int8 ? "matmul_int8" : "matmul_bf16") + "/" +
                                 std::string(kernels::name_of(p)) + "/transposed/M" + std::to_string(s.m) + "_K" +
                                 std::to_string(s.k) + "_N" + std::to_string(s.n) + "/threads:" + std::to_string(threads);
        auto* b = benchmark::RegisterBenchmark(name.c_str(), matmul_bench)
                      ->Args({s.m, s.k, s.n, threads, static_cast<int>(p), s.int8, 0, 1})
                      ->Unit(benchmark::kMicrosecond);
        if (threads > 1) b->UseRealTime();
      }
  // The scalar path on one decode shape, for the ratio between paths.
  for (bool int8 : {false, true}) {
    const std::string name = std::string(int8 ? "matmul_int8" : "matmul_bf16") + "/scalar/view/M16_K1536_N1536/threads:1";
    benchmark::RegisterBenchmark(name.c_str(), matmul_bench)
        ->Args({16, 1536, 1536, 1, static_cast<int>(CpuPath::scalar), int8, 0, 0})
        ->Unit(benchmark::kMicrosecond);
  }
}

const bool registered = (register_shapes(), true);

}  // namespace
}  // namespace tg::bench
