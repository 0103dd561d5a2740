// A user program built against an installed tilegraph: this file includes the umbrella header
// and nothing else from tilegraph, so it compiles only if the umbrella and everything it pulls
// in are installed. It builds a scope, runs it on the host, simulates it with every strategy
// the umbrella names, and runs one model scope of tilegraph::models (model_scope.cpp).
#include "tilegraph/tilegraph.hpp"

int run_a_model_scope();

int main() {
  tg::Scope s{"consumer"};
  auto x = s.output("x", {4}, tg::INT32);
  s.vector("set", {tg::Out(x)}, [](const tg::TaskContext& c) { c.view(0).at<std::int32_t>({c.block_idx()}) = 7; }).blocks(4);
  auto g = s.finalize();
  tg::Bindings memory(g);
  const auto result = tg::HostExecutor{1}.run(g, memory);
  if (result.output("x").data_as<std::int32_t>()[3] != 7) return 1;
  if (tg::strategy_names().size() < 4) return 2;
  for (const auto& strategy : tg::strategy_names()) {
    tg::SimOptions options;
    options.strategy = strategy;
    if (tg::SimExecutor(tg::load_machine("a2a3"), options).simulate(g).timeline.makespan_ns <= 0) return 3;
  }
  return run_a_model_scope();
}
