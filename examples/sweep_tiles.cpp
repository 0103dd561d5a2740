// Sweep two tile sizes of the V4 qkv_proj_rope scope on the modelled a2a3 and print the
// combinations best first, with the ones the config or the on-chip buffers refuse and why
// (docs/tuning.md, "Tile sweeps"; the CLI is `tilegraph sweep`).
#include <iostream>

#include "models/common/registry.hpp"
#include "tuning/sweep/sweep_report.hpp"
#include "tuning/sweep/sweep_sim.hpp"

int main() {
  tg::tuning::SweepRequest request;
  request.model = "v4-qkv-proj-rope";
  request.options.config = "small";
  const auto params = tg::models::find_model(request.model).tiles(request.options);
  // 512 does not divide the small config's q_lora_rank (256); 8 heads per q_head_norm block
  // do not fit the 184 KiB UB.
  request.axes = tg::tuning::parse_axes({"q_lora_tile=64,128,256,512", "q_rope_heads=4,8"}, params, request.model);
  const auto result = tg::tuning::sweep_on_simulator(request, {});
  tg::tuning::print_sweep_table(result, std::cout);
  return result.rows.empty() ? 1 : 0;
}
