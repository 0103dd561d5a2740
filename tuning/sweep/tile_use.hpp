#pragma once
// Whether a tile parameter acts at the chosen options. The host tiling's tiles change no task
// of the reference tiling (and the other way round), so a sweep over one of them would print
// identical rows and look like a finding. Judged by building the graph for different values
// and comparing the graphs whole (their JSON form: tasks, views, blocks, costs), so no model
// has to declare which tiles its modes read:
//   tile_acts(entry, options, "host_kv_out_tile", {96, 288})    // false at --mode staged
//   modes_using(entry, options, "host_kv_out_tile", {96, 288})  // {"host", "host-fused"}
// A tile that changes no graph in any mode (a kernel's inner chunk, as V3.2's rmsnorm_k) is
// invisible to the simulator but not to a host run.
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/registry.hpp"
#include "tuning/sweep/sweep_result.hpp"

namespace tg::tuning {

// True when two of `values`, with the parameter's value at `options` (and, while fewer than
// two of those build, probes of its form: v/2, 2v, ...), build different graphs at
// `options`; also true when fewer than two build at all (nothing to judge: the sweep lists
// the refusals).
// Cost: one graph build per value.
bool tile_acts(const models::ModelEntry& entry, const models::ModelOptions& options, const std::string& name,
               const std::vector<std::int64_t>& values);

// The modes of the model (ModelEntry::modes) other than options.mode in which the tile acts.
std::vector<std::string> modes_using(const models::ModelEntry& entry, const models::ModelOptions& options,
                                     const std::string& name, const std::vector<std::int64_t>& values);

// What --mode options.mode is called in messages: "--mode host", "--mode staged (the default)".
std::string mode_text(const models::ModelEntry& entry, const models::ModelOptions& options);

// Refuses (ConfigError, option --set) an axis that acts for no combination of the other axes:
// it names the tile, the mode and the modes that use it. A tile no mode's graph shows is
// refused only when `simulated` (the simulator sees graphs alone; a host run sees kernels).
void check_axes_act(const SweepRequest& request, bool simulated);

}  // namespace tg::tuning
