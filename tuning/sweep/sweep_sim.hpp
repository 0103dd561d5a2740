#pragma once
// A tile sweep on the modelled chip: for every combination, the model's graph is built (the
// config's validation and finalize's lint may refuse it), checked against the machine's
// on-chip buffers (the buffer-capacity rule: a combination with a capacity error is refused),
// and simulated with each strategy, over jitter seeds when asked.
//   auto result = sweep_on_simulator(request, {.machine = "a2a3", .strategies = {"fifo"}});
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tuning/sweep/sweep_result.hpp"

namespace tg::tuning {

struct SimSweepOptions {
  std::string machine = "a2a3";              // preset name or machine JSON file
  std::vector<std::string> strategies{"fifo"};
  std::string strategy_label;                // what the result names the choice ("all"); "" = the one strategy
  std::optional<std::uint64_t> jitter;       // seeds jitter, jitter + 1, ...: a row's makespan is their mean
  int seeds = 10;
};

// Throws ConfigError for an unknown model, machine or strategy (before anything is built).
// Cost: per combination one graph build and per strategy (seeds) simulations.
SweepResult sweep_on_simulator(const SweepRequest& request, const SimSweepOptions& options);

}  // namespace tg::tuning
