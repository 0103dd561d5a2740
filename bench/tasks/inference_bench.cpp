// Dependency inference cost per argument, against the number of live regions.
// A [rows, 1024] fp32 buffer is cut into 4 x 4 tiles and every tile is written once, so
// the map holds `live` disjoint regions; each iteration then accesses one random tile
// (alternating a read and an InOut), which keeps the live count constant.
#include <benchmark/benchmark.h>

#include <random>

#include "tasks/region_map.hpp"

namespace {

void BM_InferencePerArgument(benchmark::State& state) {
  const std::int64_t live = state.range(0);
  const std::int64_t tile = 4, cols = 1024;
  const std::int64_t tiles_per_row = cols / tile;
  const std::int64_t rows = live / tiles_per_row * tile;
  tg::Buffer buffer("grid", tg::FP32, {rows, cols}, tg::Role::Staging);
  tg::View whole(buffer);
  std::vector<tg::View> tiles;
  for (std::int64_t r = 0; r < rows; r += tile)
    for (std::int64_t c = 0; c < cols; c += tile) tiles.push_back(whole.slice({r, c}, {tile, tile}));
  tg::RegionMap map;
  std::vector<tg::Edge> edges;
  tg::TaskId task = 0;
  for (const auto& t : tiles) {
    const tg::Arg arg = tg::Out(t);
    map.access(task++, std::span<const tg::Arg>(&arg, 1), edges);
  }
  std::mt19937 rng(1);
  std::vector<tg::Arg> args;
  for (int i = 0; i < 4096; ++i) {
    const auto& t = tiles[rng() % tiles.size()];
    args.push_back(i % 2 ? tg::InOut(t) : tg::In(t));
  }
  std::size_t i = 0;
  const auto considered_before = map.candidates_considered();
  for (auto _ : state) {
    edges.clear();
    map.access(task++, std::span<const tg::Arg>(&args[i++ % args.size()], 1), edges);
    benchmark::DoNotOptimize(edges.data());
  }
  state.counters["live_regions"] = static_cast<double>(map.live_regions());
  // Each access looks up its box three times (edges, read, write); this is the total.
  state.counters["candidates_per_arg"] =
      static_cast<double>(map.candidates_considered() - considered_before) / static_cast<double>(state.iterations());
  state.counters["ns_per_arg"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_InferencePerArgument)->Arg(1 << 10)->Arg(1 << 14)->Arg(1 << 16)->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
