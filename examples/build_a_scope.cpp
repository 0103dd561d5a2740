// Build a scope, let tilegraph infer the dependencies, look at them, run it on the host.
#include <iostream>

#include "scheduler/host_executor.hpp"
#include "tasks/scope.hpp"

int main() {
  tg::Scope s{"example"};
  auto x = s.input("x", {8, 64}, tg::FP32);
  auto tmp = s.staging("tmp", {8, 64}, tg::FP32);
  auto y = s.output("y", {8, 64}, tg::FP32);

  auto copy = [](const tg::TaskContext& c) {
    for (std::int64_t i = 0; i < c.view(1).size(0); ++i)
      for (std::int64_t j = 0; j < c.view(1).size(1); ++j) c.view(1).at<float>({i, j}) = 2 * c.view(0).at<float>({i, j});
  };
  // Two producers on disjoint column halves: no edge between them.
  s.vector("produce_left", {tg::In(x.cols(0, 32)), tg::Out(tmp.cols(0, 32))}, copy);
  s.vector("produce_right", {tg::In(x.cols(32, 32)), tg::Out(tmp.cols(32, 32))}, copy);
  // The consumer reads both halves: a RAW edge from each producer.
  s.vector("consume", {tg::In(tmp), tg::Out(y)}, copy);
  auto g = s.finalize();

  for (const auto& e : g.edges())
    std::cout << g.task(e.from).label() << " -> " << g.task(e.to).label() << "  [" << tg::name_of(e.kind) << " on "
              << g.buffers()[e.buffer]->name() << tg::box_to_string(e.region) << "]\n";

  // The graph is structure; the memory of a run is bound to it.
  tg::Tensor xs("x", tg::FP32, {8, 64});
  float* xp = xs.data_as<float>();
  for (int i = 0; i < 8 * 64; ++i) xp[i] = static_cast<float>(i);
  tg::Bindings memory = g.bind({{"x", xs}});
  const tg::RunResult result = tg::HostExecutor{2}.run(g, memory);
  const float y_last = result.output("y").data_as<float>()[8 * 64 - 1];
  std::cout << "y[7, 63] = " << y_last << " (expected " << 4 * 511 << ")\n";
  return (g.edges().size() == 2 && y_last == 4 * 511) ? 0 : 1;
}
