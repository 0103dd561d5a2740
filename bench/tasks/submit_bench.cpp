// Submit cost of one task by each path: positional (hand cost), a descriptor bound by name,
// the typed struct, and the typed struct with SPMD tiles. Each iteration submits 512
// column-tile tasks c[:, j] = a @ b[:, j] into a fresh scope (inference included), so the
// differences are what the contract check, the cost function and the tiles add per task.
#include <benchmark/benchmark.h>

#include <tuple>

#include "tasks/scope.hpp"

namespace {

template <template <tg::Access> class F> struct MmParams {
  F<tg::Access::In> a;
  F<tg::Access::In> b;
  F<tg::Access::Out> c;
  auto fields() { return std::tie(a, b, c); }
};

const tg::TypedKernel<MmParams>& mm() {
  static const tg::TypedKernel<MmParams> k{
      "mm", tg::TaskKind::Cube, {{"a", {tg::BF16}}, {"b", {tg::BF16}}, {"c", {tg::FP32}}}, nullptr,
      [](const MmParams<tg::BlockView>& v) {
        return tg::CostHint{2.0 * static_cast<double>(v.c.size(0) * v.c.size(1) * v.a.size(1)), 0, 0, false};
      }};
  return k;
}

constexpr std::int64_t kTasks = 512, kTile = 16, kK = 256;

enum class Path { positional, by_name, typed, typed_tiled };

void BM_Submit(benchmark::State& state) {
  const auto path = static_cast<Path>(state.range(0));
  for (auto _ : state) {
    tg::Scope s{"submit"};
    auto a = s.input("a", {16, kK}, tg::BF16);
    auto b = s.weight("b", {kK, kTasks * kTile}, tg::BF16);
    auto c = s.output("c", {16, kTasks * kTile}, tg::FP32);
    for (std::int64_t j = 0; j < kTasks; ++j) {
      const auto bj = b.cols(j * kTile, kTile), cj = c.cols(j * kTile, kTile);
      switch (path) {
        case Path::positional:
          s.cube("mm", {tg::In(a), tg::In(bj), tg::Out(cj)}).cost({2.0 * 16 * kTile * kK, 0, 0, false});
          break;
        case Path::by_name: s.cube("mm", mm().ref(), {{"a", tg::In(a)}, {"b", tg::In(bj)}, {"c", tg::Out(cj)}}); break;
        case Path::typed: s.cube("mm", mm(), {.a = tg::In(a), .b = tg::In(bj), .c = tg::Out(cj)}); break;
        case Path::typed_tiled:
          s.cube("mm", mm(), {.a = tg::In(a), .b = tg::In(bj).tiled(tg::tile::cols(8)), .c = tg::Out(cj).tiled(tg::tile::cols(8))});
          break;
      }
    }
    benchmark::DoNotOptimize(s.num_tasks());
  }
  state.counters["ns_per_task"] = benchmark::Counter(static_cast<double>(state.iterations() * kTasks),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_Submit)->ArgName("path")->DenseRange(0, 3);

}  // namespace

BENCHMARK_MAIN();
