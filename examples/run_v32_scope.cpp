// Run DeepSeek V3.2 decode scope 1 (the spec's small config) on the host executor and
// check it stage by stage against its independent golden. The same flow at full dims:
// `tilegraph run v32-decode-scope1 --config full`.
#include <iostream>

#include "models/deepseek_v3_2/scope1_run.hpp"
#include "scheduler/host_executor.hpp"

int main() {
  tg::models::ModelOptions options;
  options.config = "small";
  auto run = tg::models::deepseek_v3_2::Scope1Run::make(options);  // the scope, built into a Graph
  std::cout << run->summary() << "\n";

  run->generate_inputs(/*seed=*/1);  // the spec's demo inputs
  run->validate_inputs();            // seq_lens in [1, MAX_SEQ]            // the caches before the run, for the untouched-rows check
  run->run(tg::HostExecutor{2});

  const auto report = run->check();  // local + end-to-end check per stage
  report.print(std::cout);
  return report.pass() ? 0 : 1;
}
