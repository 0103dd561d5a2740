// Compare dispatch strategies side by side: the same graph on the same machine under
// fifo, critical-path, locality and early-dispatch, in one table (what
// `tilegraph sim FILE.json --strategy all` prints). The graph mixes a long chain of small
// tasks (where dispatch latency shows) with a wide fan of independent cube tiles.
#include <iostream>

#include "runtime/machine.hpp"
#include "trace/schedule_analysis.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "tasks/scope.hpp"

int main() {
  tg::Scope s{"mixed"};
  constexpr int kChain = 24, kFan = 96;
  auto x = s.input("x", {16, 1024}, tg::BF16);
  auto chain = s.staging("chain", {kChain + 1, 64}, tg::FP32);
  auto fan = s.output("fan", {16, 64 * kFan}, tg::FP32);
  auto out = s.output("out", {1, 64}, tg::FP32);
  // A chain of small cube tasks (1 row, padded to 16 on the cube): ~2 us each.
  s.cube("chain_head", {tg::In(x.cols(0, 64)), tg::Out(chain.rows(0, 1))}).cost({7.8e5, 1e4, 0, false});
  for (int i = 1; i <= kChain; ++i)
    s.cube("chain_step", {tg::In(chain.rows(i - 1, 1)), tg::Out(chain.rows(i, 1))}).cost({7.8e5, 1e4, 0, false});
  // Independent cube tiles competing for the same AIC cores: ~10 us each. Under fifo they
  // are ahead of every chain step but the first in the ready queue.
  for (int j = 0; j < kFan; ++j)
    s.cube("fan_tile", {tg::In(x), tg::Out(fan.cols(64 * j, 64))}).cost({1.2e8, 2e5, 0, false});
  s.vector("chain_tail", {tg::In(chain.rows(kChain, 1)), tg::Out(out)}).cost({2.2e5, 1e4, 0, false});
  auto graph = s.finalize();

  const tg::Machine machine = tg::load_machine("a2a3");
  std::vector<tg::ScheduleAnalysis> analyses;
  for (const auto& name : tg::strategy_names()) {
    tg::SimOptions options;
    options.strategy = name;
    const auto result = tg::SimExecutor{machine, options}.simulate(graph);
    analyses.push_back(tg::analyze_schedule(graph, result.timeline, &machine));
  }
  std::cout << "scope '" << graph.name() << "' (" << graph.num_tasks() << " tasks) on " << machine.name << "\n"
            << tg::format_comparison(tg::strategy_names(), analyses);
  // Critical-path priority keeps the chain moving between fan tiles: never slower than fifo here.
  return analyses[1].makespan_ns <= analyses[0].makespan_ns ? 0 : 1;
}
