// DeepSeek V4 scopes: host execution speed and the simulated a2a3 schedule.
//   BM_V4Host/<scope>: the scope's graph on the HostExecutor (real kernels), with achieved
//     GB/s and GFLOP/s from the tasks' cost hints (device bytes and flops, padded boxes).
//   BM_HostCopyBandwidth / BM_HostInt8Matmul: the machine limits in the same binary, so the
//     scopes read as a fraction of them.
//   BM_V4Tiling/<scope>/host:<0|1>/threads:<1|2>: the reference and the host tiling (weights
//     packed once when bound, pack_ms apart) against the scope's roofline bound from the
//     limits probed in this binary (bench/kernels/machine_limits.hpp):
//       bound = max(bf16 flops / (fp32 FMA peak x threads) + int8 ops / (int8 peak x threads),
//                   weight bytes / STREAM triad at `threads` (at least the 1-thread one))
//     with the scope's compulsory matmul work (its logical flops, from the config) and each
//     weight byte read once. Counters: scope_ms (wall), cpu_ms (process CPU per scope, all
//     threads), bound_ms, roofline_fraction = bound / scope_ms, cpu_roofline_fraction =
//     bound / (cpu_ms / threads) (the figure on a shared host), pack_ms, tasks.
//   BM_V4OProj/stage:<0 o_proj_a | 1 o_proj_b>/packed:<0|1>: one whole SWA output projection
//     stage at flash dims on one thread (every block in turn, so the weights stream from DRAM
//     as in the scope), on the weight views (the reference kernels) or packed once
//     (models/common/lane_matmul.hpp, WeightPacks::add_transposed); process CPU time.
//   BM_V4Sim/<scope>/<strategy>: the same graph simulated on a2a3 (timing only); the
//     counter sim_us is the modelled makespan (deterministic, not a wall-clock time).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iterator>
#include <memory>
#include <vector>

#include "../kernels/machine_limits.hpp"
#include "cpu_clock.hpp"
#include "kernels/cpu_path.hpp"
#include "kernels/matmul.hpp"
#include "kernels/packed_weights.hpp"
#include "models/common/lane_matmul.hpp"
#include "models/common/weight_packs.hpp"
#include "models/deepseek_v4/qkv_run.hpp"
#include "models/deepseek_v4/swa_run.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"

namespace {

using namespace tg::models::deepseek_v4;

struct ScopeCase {
  const char* name;
  bool swa;
  const char* preset;
  Mode mode;
  bool qproj_pipeline;
};
// The host benchmarks run the first three; the simulator all.
const ScopeCase kCases[] = {
    {"qkv_decode_flash", false, "flash", Mode::Decode, true},
    {"qkv_prefill_flash", false, "flash", Mode::Prefill, true},
    {"swa_flash", true, "flash", Mode::Decode, true},
    {"qkv_decode_flash_direct", false, "flash", Mode::Decode, false},
    {"qkv_decode_pro", false, "pro", Mode::Decode, true},
    {"qkv_prefill_pro", false, "pro", Mode::Prefill, true},
    {"swa_pro", true, "pro", Mode::Decode, true},
};
constexpr int kHostCases = 3;
constexpr int kCasesCount = static_cast<int>(std::size(kCases));

std::unique_ptr<tg::models::ModelRun> make_scope(int index, Tiling tiling = Tiling::reference) {
  const ScopeCase& c = kCases[index];
  auto cfg = make_config(c.preset, c.mode);
  cfg.tiles.qproj_pipeline = c.qproj_pipeline;
  cfg.tiling = tiling;
  if (c.swa) return std::make_unique<SwaAttentionRun>(cfg);
  return std::make_unique<QkvProjRopeRun>(cfg, QkvBug::none);
}

// Sum over tasks of blocks x the per-block cost hint.
struct Totals {
  double flops = 0, bytes = 0;
};
Totals totals(const tg::Graph& g) {
  Totals t;
  for (const auto& task : g.tasks())
    if (task.cost) {
      t.flops += task.block_num * task.cost->flops;
      t.bytes += task.block_num * task.cost->bytes;
    }
  return t;
}

void BM_V4Host(benchmark::State& state) {
  auto run = make_scope(static_cast<int>(state.range(0)));
  run->generate_inputs(1);
  tg::HostExecutor executor(tg::HostExecutorOptions{.threads = 0, .pin_threads = false, .record = false});
  for (auto _ : state) executor.run(run->graph(), run->bindings());
  const auto t = totals(run->graph());
  state.SetLabel(kCases[state.range(0)].name);
  state.counters["GB/s"] = benchmark::Counter(t.bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] = benchmark::Counter(t.flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["tasks"] = static_cast<double>(run->graph().num_tasks());
}
BENCHMARK(BM_V4Host)->DenseRange(0, kHostCases - 1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

// The scope's compulsory matmul work and weight bytes, from its config.
struct Compulsory {
  double bf16_flops = 0, int8_ops = 0, weight_bytes = 0;
};
Compulsory compulsory(const Config& c, bool swa) {
  const auto T = static_cast<double>(c.tokens()), D = static_cast<double>(c.dims.hidden);
  const auto H = static_cast<double>(c.dims.heads), HD = static_cast<double>(c.dims.head_dim);
  const auto QL = static_cast<double>(c.dims.q_lora), N = static_cast<double>(c.dims.q_width());
  const auto W = static_cast<double>(c.dims.window), GOL = static_cast<double>(c.dims.o_groups * c.dims.o_lora);
  Compulsory w;
  if (swa) {  // q k^T and p v per head; o_proj_a over each group's heads; the int8 o_proj_b
    w.bf16_flops = 4.0 * T * H * W * HD + 2.0 * T * GOL * (H / static_cast<double>(c.dims.o_groups)) * HD;
    w.int8_ops = 2.0 * T * GOL * D;
    w.weight_bytes = 2.0 * GOL * (H / static_cast<double>(c.dims.o_groups)) * HD + GOL * D + 4.0 * D + 4.0 * H;
  } else {  // qr_proj and kv_proj (bf16), the int8 q projection
    w.bf16_flops = 2.0 * T * D * (QL + HD);
    w.int8_ops = 2.0 * T * QL * N;
    w.weight_bytes = 2.0 * D * (QL + HD) + QL * N + 4.0 * N + 2.0 * (QL + HD);
  }
  return w;
}

double bound_s(const Compulsory& w, int threads) {
  const auto& limits = tg::bench::machine_limits();
  const auto path = tg::kernels::active_cpu_path();
  const double compute = w.bf16_flops / (limits.matmul_peak_gops(path, false) * 1e9 * threads) +
                         w.int8_ops / (limits.matmul_peak_gops(path, true) * 1e9 * threads);
  // The 2-thread triad is wall time and reads low while other processes share the cores; two
  // threads can always move at least what one does, so the bound takes the larger.
  const double stream_gbs = std::max(limits.triad_gbs(threads), limits.triad_gbs(1));
  return std::max(compute, w.weight_bytes / (stream_gbs * 1e9));
}

void BM_V4Tiling(benchmark::State& state) {
  const int index = static_cast<int>(state.range(0)), threads = static_cast<int>(state.range(2));
  const Tiling tiling = state.range(1) != 0 ? Tiling::host : Tiling::reference;
  auto run = make_scope(index, tiling);
  run->generate_inputs(1);  // a host tiling packs its weights here, once
  const double bound = bound_s(compulsory(make_config(kCases[index].preset, kCases[index].mode), kCases[index].swa), threads);
  tg::HostExecutor executor(tg::HostExecutorOptions{.threads = threads, .pin_threads = false, .record = false});
  executor.run(run->graph(), run->bindings());  // warm-up: first touch of the staging pool
  double wall_s = 0;
  std::int64_t runs = 0;
  const double cpu0 = tg::bench::process_cpu_s();
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    executor.run(run->graph(), run->bindings());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.SetIterationTime(s);
    wall_s += s;
    ++runs;
  }
  const double cpu_per_scope = (tg::bench::process_cpu_s() - cpu0) / static_cast<double>(runs);
  const double wall_per_scope = wall_s / static_cast<double>(runs);
  state.SetLabel(std::string(kCases[index].name) + (tiling == Tiling::host ? "/host" : "/reference"));
  state.counters["scope_ms"] = wall_per_scope * 1e3;
  state.counters["cpu_ms"] = cpu_per_scope * 1e3;
  state.counters["bound_ms"] = bound * 1e3;
  state.counters["roofline_fraction"] = bound / wall_per_scope;
  state.counters["cpu_roofline_fraction"] = bound / (cpu_per_scope / threads);
  state.counters["pack_ms"] = run->packing_ms();
  state.counters["tasks"] = static_cast<double>(run->graph().num_tasks());
}
BENCHMARK(BM_V4Tiling)
    ->ArgNames({"scope", "host", "threads"})
    ->ArgsProduct({benchmark::CreateDenseRange(0, kHostCases - 1, 1), {0, 1}, {1, 2}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

// Limit 1: streaming copy of 256 MB (read + write counted).
void BM_HostCopyBandwidth(benchmark::State& state) {
  const std::size_t bytes = std::size_t{256} << 20;
  std::vector<char> src(bytes, 1), dst(bytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), bytes);
    benchmark::DoNotOptimize(dst.data());
  }
  state.counters["GB/s"] = benchmark::Counter(2.0 * bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_HostCopyBandwidth)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(0.5);

// Limit 2: the int8 matmul kernel at the qproj shape of decode (M 8, K 1024, N 4096), one thread.
void BM_HostInt8Matmul(benchmark::State& state) {
  const std::int64_t M = 8, K = 1024, N = 4096;
  tg::Tensor a("a", tg::INT8, {M, K}), b("b", tg::INT8, {K, N}),
      c("c", tg::INT32, {M, N});
  for (auto _ : state) tg::kernels::matmul(tg::View(a), tg::View(b), tg::View(c));
  state.counters["GB/s"] = benchmark::Counter(1.0 * K * N * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GOP/s"] = benchmark::Counter(2.0 * M * K * N * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_HostInt8Matmul)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_V4OProj(benchmark::State& state) {
  const bool proj_b = state.range(0) != 0, packed = state.range(1) != 0;
  const auto cfg = make_config("flash", Mode::Decode);
  const std::int64_t T = cfg.tokens(), G = cfg.dims.o_groups, OL = cfg.dims.o_lora, D = cfg.dims.hidden;
  const std::int64_t K = cfg.dims.heads_per_group() * cfg.dims.head_dim, nt = cfg.host.o_lora_tile, dt = cfg.host.out_d_tile;
  const tg::DType dtype = proj_b ? tg::INT8 : tg::BF16;
  // wo_a as [G·OL, K] (group g's rows g·OL ..), wo_b [D, G·OL]; small random-looking values.
  tg::models::TensorMap weights;
  weights.put(proj_b ? tg::Tensor("w", dtype, {D, G * OL}) : tg::Tensor("w", dtype, {G * OL, K}));
  const tg::Tensor& w = weights.tensor("w");
  auto* bytes = reinterpret_cast<std::uint8_t*>(w.data());
  const std::size_t weight_bytes = w.bytes();
  for (std::size_t i = 0; i < weight_bytes; ++i) bytes[i] = proj_b ? static_cast<std::uint8_t>(i * 37 % 23) : (i % 2 ? 0x3c : static_cast<std::uint8_t>(i * 13));
  tg::Tensor a("a", dtype, {T, proj_b ? G * OL : K}), c("c", proj_b ? tg::INT32 : tg::FP32, {T, proj_b ? dt : nt});
  // The blocks' weight tiles (Bt views) in the scope's order.
  std::vector<tg::View> tiles;
  if (proj_b)
    for (std::int64_t d0 = 0; d0 < D; d0 += dt)
      for (std::int64_t g = 0; g < G; ++g) tiles.push_back(w.view().rows(d0, dt).cols(g * OL, OL));
  else
    for (std::int64_t r0 = 0; r0 < G * OL; r0 += nt) tiles.push_back(w.view().rows(r0, nt));
  tg::models::WeightPacks packs;
  std::vector<std::size_t> slots;
  if (packed) {
    for (const auto& t : tiles) slots.push_back(proj_b ? packs.add_transposed(t) : packs.add_lane_segments(t));
    state.counters["pack_ms"] = packs.pack(weights);
  }
  const tg::View a_view = a.view(), c_view = c.view();
  for (auto _ : state)
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const tg::View ai = proj_b ? a_view.cols(static_cast<std::int64_t>(i % G) * OL, OL) : a_view;
      if (!packed)
        tg::kernels::matmul(ai, tiles[i], c_view, {.b_layout = tg::kernels::BLayout::transposed});
      else if (proj_b)
        tg::kernels::matmul(ai, packs.get(slots[i], tiles[i]), c_view);
      else
        tg::models::matmul_lane_segments(ai, packs, slots[i], tiles[i], c_view);
    }
  state.SetLabel(std::string(proj_b ? "o_proj_b" : "o_proj_a") + (packed ? "/packed" : "/view"));
  state.counters["weight_GB/s"] = benchmark::Counter(static_cast<double>(w.bytes()) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["Gop/s"] =
      benchmark::Counter(2.0 * static_cast<double>(T) * static_cast<double>(w.numel()) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_V4OProj)
    ->ArgNames({"stage", "packed"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(0.5);

void BM_V4Sim(benchmark::State& state) {
  const auto scope = static_cast<int>(state.range(0));
  const auto strategies = tg::strategy_names();
  const auto& strategy = strategies.at(static_cast<std::size_t>(state.range(1)));
  auto run = make_scope(scope);
  tg::SimOptions options;
  options.strategy = strategy;
  tg::SimExecutor sim(tg::load_machine("a2a3"), options);
  tg::SimResult result;
  for (auto _ : state) result = sim.simulate(run->graph());
  state.SetLabel(std::string(kCases[scope].name) + "/" + strategy);
  state.counters["sim_us"] = static_cast<double>(result.timeline.makespan_ns) / 1000.0;
  state.counters["peak_staging_MB"] = static_cast<double>(result.peak_staging_bytes_last_use) / (1 << 20);
}
BENCHMARK(BM_V4Sim)
    ->ArgsProduct({benchmark::CreateDenseRange(0, kCasesCount - 1, 1),
                   benchmark::CreateDenseRange(0, static_cast<int>(tg::strategy_names().size()) - 1, 1)})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
