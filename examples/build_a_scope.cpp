// Build a scope from kernel descriptors, let tilegraph infer the dependencies, look at them,
// run it on the host. A kernel states its contract once (parameter names, access, dtypes,
// cost); tasks name their arguments; each SPMD block reads its own tile.
#include <iostream>
#include <tuple>

#include "kernels/descriptors/elementwise.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/edge_region.hpp"
#include "tasks/scope.hpp"

namespace {

// A user kernel with a typed contract: y = 2 x, fp32.
template <template <tg::Access> class F> struct DoubleParams {
  F<tg::Access::In> x;
  F<tg::Access::Out> y;
  auto fields() { return std::tie(x, y); }
};

const tg::TypedKernel<DoubleParams> twice{
    "twice", tg::TaskKind::Vector, {{"x", {tg::FP32}}, {"y", {tg::FP32}}},
    [](const DoubleParams<tg::BlockView>& v, const tg::TaskContext&) {
      // v.x and v.y are this block's tiles: no offsets from block_idx here. v.x is read-only.
      for (std::int64_t i = 0; i < v.y.size(0); ++i)
        for (std::int64_t j = 0; j < v.y.size(1); ++j) v.y.row<float>(i)[j] = 2 * v.x.row<float>(i)[j];
    },
    [](const DoubleParams<tg::BlockView>& v) { return tg::streaming_cost_of(v, static_cast<double>(v.y.numel())); }};

}  // namespace

int main() {
  namespace kd = tg::kernels::descriptors;
  using tg::In, tg::Out, tg::tile::rows;
  tg::Scope s{"example"};
  auto x = s.input("x", {8, 64}, tg::FP32);
  auto tmp = s.staging("tmp", {8, 64}, tg::FP32);
  auto y = s.output("y", {8, 64}, tg::FP32);

  // Two producers on disjoint column halves: no edge between them. Each is SPMD over
  // 4-row tiles (2 blocks); its cost comes from the descriptor.
  s.vector("produce_left", twice, {.x = In(x.cols(0, 32)).tiled(rows(4)), .y = Out(tmp.cols(0, 32)).tiled(rows(4))});
  s.vector("produce_right", twice, {.x = In(x.cols(32, 32)).tiled(rows(4)), .y = Out(tmp.cols(32, 32)).tiled(rows(4))});
  // The consumer, a library kernel, reads both halves: a RAW edge from each producer.
  s.vector("consume", kd::scale({.multiplier = 2.0f}), {.x = In(tmp), .y = Out(y)});
  auto g = s.finalize();

  for (const auto& e : g.edges())
    std::cout << g.task(e.from).label() << " -> " << g.task(e.to).label() << "  [" << tg::name_of(e.kind) << " on "
              << g.buffers()[e.buffer]->name() << tg::box_to_string(tg::edge_region(g, e).value_or(tg::Box{})) << "]\n";
  for (const auto& t : g.tasks())
    std::cout << t.label() << ": kernel " << t.kernel_name << ", " << t.block_num << " block(s), "
              << t.cost->bytes << " GM bytes per block\n";

  // The graph is structure; the memory of a run is bound to it.
  tg::Tensor xs("x", tg::FP32, {8, 64});
  float* xp = xs.data_as<float>();
  for (int i = 0; i < 8 * 64; ++i) xp[i] = static_cast<float>(i);
  tg::Bindings memory = g.bind({{"x", xs}});
  const tg::RunResult result = tg::HostExecutor{2}.run(g, memory);
  const float y_last = result.output("y").data_as<float>()[8 * 64 - 1];
  std::cout << "y[7, 63] = " << y_last << " (expected " << 4 * 511 << ")\n";
  return (g.edges().size() == 2 && g.task(0).block_num == 2 && y_last == 4 * 511) ? 0 : 1;
}
