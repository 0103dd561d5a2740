// DeepSeek V4 scopes: host execution speed and the simulated a2a3 schedule.
//   BM_V4Host/<scope>: the scope's graph on the HostExecutor (real kernels), with achieved
//     GB/s and GFLOP/s from the tasks' cost hints (device bytes and flops, padded boxes).
//   BM_HostCopyBandwidth / BM_HostInt8Matmul: the machine limits in the same binary, so the
//     scopes read as a fraction of them.
//   BM_V4Sim/<scope>/<strategy>: the same graph simulated on a2a3 (timing only); the
//     counter sim_us is the modelled makespan (deterministic, not a wall-clock time).
#include <benchmark/benchmark.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <vector>

#include "kernels/matmul.hpp"
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

std::unique_ptr<tg::models::ModelRun> make_scope(int index) {
  const ScopeCase& c = kCases[index];
  auto cfg = make_config(c.preset, c.mode);
  cfg.tiles.qproj_pipeline = c.qproj_pipeline;
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
