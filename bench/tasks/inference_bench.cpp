// Dependency inference cost per argument, against the number of live regions.
// BM_InferencePerArgument: a [rows, 1024] fp32 buffer is cut into 4 x 4 tiles and every
// tile is written once, so the map holds `live` disjoint regions; each iteration then
// accesses one random tile (alternating a read and an InOut), which keeps the live count
// constant. BM_InferenceFresh*: a map built anew (as every Scope builds its own) from
// `live` fresh regions, each written once and read by the next: 1-D cells (the shape of
// dispatch_bench's inferred rows) and 4 x 4 tiles; ns per argument of the whole build.
// For instruction counts, callgrind collects inside the two measured_* functions only:
//   valgrind --tool=callgrind '--toggle-collect=*measured_*' ./inference_bench ...
// and the calls to them are the accesses.
#include <benchmark/benchmark.h>

#include <random>

#include "tasks/region_map.hpp"

namespace {

[[gnu::noinline]] void measured_access(tg::RegionMap& map, tg::TaskId task, const tg::Arg& arg, std::vector<tg::Edge>& edges) {
  map.access(task, std::span<const tg::Arg>(&arg, 1), edges);
}
[[gnu::noinline]] void measured_task(tg::RegionMap& map, tg::TaskId task, std::span<const tg::Arg> args,
                                     std::vector<tg::Edge>& edges) {
  map.access(task, args, edges);
}

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
    measured_access(map, task++, args[i++ % args.size()], edges);
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

// Task i writes region i (fresh) and reads region i - 1 (exact): `live` regions from an
// empty map, two arguments per task.
void run_fresh(benchmark::State& state, const std::vector<tg::View>& regions) {
  std::vector<tg::Edge> edges;
  edges.reserve(regions.size());
  for (auto _ : state) {
    tg::RegionMap map;
    edges.clear();
    for (std::size_t i = 0; i < regions.size(); ++i) {
      const tg::Arg args[2] = {tg::Out(regions[i]), tg::In(regions[i == 0 ? 0 : i - 1])};
      measured_task(map, static_cast<tg::TaskId>(i), std::span<const tg::Arg>(args, i == 0 ? 1 : 2), edges);
    }
    benchmark::DoNotOptimize(edges.data());
  }
  state.counters["edges_per_task"] = static_cast<double>(edges.size()) / static_cast<double>(regions.size());
  state.counters["ns_per_arg"] = benchmark::Counter(static_cast<double>(state.iterations()) * 2.0 * static_cast<double>(regions.size()),
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_InferenceFresh1D(benchmark::State& state) {
  const std::int64_t live = state.range(0);
  tg::Buffer buffer("cells", tg::INT32, {live}, tg::Role::Staging);
  const tg::View whole(buffer);
  std::vector<tg::View> cells;
  for (std::int64_t i = 0; i < live; ++i) cells.push_back(whole.slice({i}, {1}));
  run_fresh(state, cells);
}
BENCHMARK(BM_InferenceFresh1D)->Arg(1 << 10)->Arg(1 << 16)->MeasureProcessCPUTime();

void BM_InferenceFreshTiles(benchmark::State& state) {
  const std::int64_t live = state.range(0);
  const std::int64_t tile = 4, cols = 1024;
  const std::int64_t rows = live / (cols / tile) * tile;
  tg::Buffer buffer("grid", tg::FP32, {rows, cols}, tg::Role::Staging);
  const tg::View whole(buffer);
  std::vector<tg::View> tiles;
  for (std::int64_t r = 0; r < rows; r += tile)
    for (std::int64_t c = 0; c < cols; c += tile) tiles.push_back(whole.slice({r, c}, {tile, tile}));
  run_fresh(state, tiles);
}
BENCHMARK(BM_InferenceFreshTiles)->Arg(1 << 10)->Arg(1 << 16)->MeasureProcessCPUTime();

}  // namespace

BENCHMARK_MAIN();
