// Tile sweeps: CPU time per combination simulated (tuning/sweep/sweep_sim.hpp).
//   BM_SweepSim/<case>: one whole sweep per iteration: per combination the model's graph is
//     built and finalized (lint included), checked against a2a3's on-chip buffers and
//     simulated (once per strategy, per seed with jitter), its schedule analysed for the
//     bound-by line. The counter per_combination is CPU time / combinations; sims_per_combo
//     how many simulations each combination took; refused the combinations refused.
#include <benchmark/benchmark.h>

#include <iterator>

#include "models/common/registry.hpp"
#include "scheduler/strategy.hpp"
#include "tuning/sweep/sweep_sim.hpp"

namespace {

using namespace tg::tuning;

struct SweepCase {
  const char* name;
  const char* model;
  const char* config;
  const char* mode;
  std::vector<std::string> sets;
  bool all_strategies;
  int seeds;  // 0 = no jitter
};

const SweepCase kCases[] = {
    {"qkv_small_3x3", "v4-qkv-proj-rope", "small", "", {"q_lora_tile=64,128,256", "kv_tile=32,64,128"}, false, 0},
    {"qkv_flash_decode_3x3", "v4-qkv-proj-rope", "full", "", {"q_lora_tile=128,256,512", "kv_tile=32,64,128"}, false, 0},
    {"qkv_flash_prefill_3x2", "v4-qkv-proj-rope", "full", "prefill", {"q_lora_tile=128,256,512", "t_tile=8,16"}, false, 0},
    {"qkv_flash_decode_3x3_all_jitter5", "v4-qkv-proj-rope", "full", "", {"q_lora_tile=128,256,512", "kv_tile=32,64,128"}, true, 5},
    {"v32_full_3x3", "v32-decode-scope1", "full", "", {"q_out_tile=64,128,256", "lora_tile=64,128,256"}, false, 0},
};

void BM_SweepSim(benchmark::State& state) {
  const SweepCase& c = kCases[state.range(0)];
  SweepRequest request;
  request.model = c.model;
  request.options.config = c.config;
  request.options.mode = c.mode;
  request.axes = parse_axes(c.sets, tg::models::find_model(c.model).tiles(request.options), c.model);
  SimSweepOptions options;
  if (c.all_strategies) options.strategies = tg::strategy_names();
  if (c.seeds) {
    options.jitter = 1;
    options.seeds = c.seeds;
  }
  std::size_t combinations = 0, refused = 0;
  for (auto _ : state) {
    const auto result = sweep_on_simulator(request, options);
    combinations = result.combinations;
    refused = result.refused.size();
    benchmark::DoNotOptimize(result.rows.data());
  }
  state.SetLabel(c.name);
  state.counters["per_combination"] =
      benchmark::Counter(static_cast<double>(combinations), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["sims_per_combo"] = static_cast<double>(options.strategies.size() * (c.seeds ? c.seeds : 1));
  state.counters["refused"] = static_cast<double>(refused);
}
BENCHMARK(BM_SweepSim)->DenseRange(0, static_cast<int>(std::size(kCases)) - 1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
