// Run the two DeepSeek V4 attention scopes (small dims) on the host, check them against
// their goldens stage by stage, and replay qkv_proj_rope on a modelled a2a3 chip.
// The same as `tilegraph run v4-qkv-proj-rope --config small --machine a2a3` and
// `tilegraph run v4-swa-attention --config small`, written out as library calls.
#include <iostream>

#include "models/deepseek_v4/qkv_run.hpp"
#include "models/deepseek_v4/swa_run.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"

int main() {
  using namespace tg::models::deepseek_v4;
  tg::models::ModelOptions options;
  options.config = "small";
  options.preset = "flash";
  tg::HostExecutor host(2);
  bool ok = true;

  // qkv_proj_rope, decode: 8 tokens; the K loop of the int8 q projection is pipelined.
  auto qkv = QkvProjRopeRun::make(options);
  qkv->generate_inputs(1);
  qkv->run(host);
  const auto qkv_report = qkv->check();
  qkv_report.print(std::cout);
  ok = ok && qkv_report.pass();

  // The same graph on the modelled chip: timing from the cost hints, kernels run again
  // in the simulated order (functional mode), so the golden check applies to it too.
  tg::SimOptions sim_options;
  sim_options.strategy = "critical-path";
  tg::SimExecutor sim(tg::load_machine("a2a3"), sim_options);
  const auto result = qkv->run(sim);
  std::cout << "a2a3 (critical-path): makespan " << result.timeline.makespan_ns / 1000.0 << " us, golden after replay: "
            << (qkv->check().pass() ? "pass" : "FAIL") << "\n\n";
  ok = ok && qkv->check().pass();

  // SWA attention with a two-tile window (WIN = 256), so the online softmax merge runs.
  auto swa = SwaAttentionRun::make(options, 256);
  swa->generate_inputs(4);
  swa->validate_inputs();
  swa->run(host);
  const auto swa_report = swa->check();
  swa_report.print(std::cout);
  ok = ok && swa_report.pass();

  std::cout << (ok ? "run_v4_scopes: PASS\n" : "run_v4_scopes: FAIL\n");
  return ok ? 0 : 1;
}
