#include "tilegraph/tilegraph.hpp"

int main() {
  tg::Scope s{"consumer"};
  auto x = s.output("x", {4}, tg::INT32);
  s.vector("set", {tg::Out(x)}, [](const tg::TaskContext& c) { c.view(0).at<std::int32_t>({c.block_idx()}) = 7; }).blocks(4);
  auto g = s.finalize();
  tg::Bindings memory(g);
  const auto result = tg::HostExecutor{1}.run(g, memory);
  return result.output("x").data_as<std::int32_t>()[3] == 7 ? 0 : 1;
}
