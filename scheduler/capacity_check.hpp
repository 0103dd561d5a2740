#pragma once
// Binding a graph to a machine: the checks that need both. A block's declared working set
// must fit the on-chip buffer of the core it runs on (the "blows Vec UB" case), and a
// sync_start task can never launch with more blocks than the machine has cores of its type.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/machine.hpp"
#include "tasks/graph.hpp"

namespace tg {

struct CapacityViolation {
  TaskId task = 0;
  std::string buffer;          // "AIV unified buffer (usable)", "AIC L1", "AIV cores"
  std::uint64_t needed = 0;    // bytes (or cores for sync_start)
  std::uint64_t available = 0; // bytes (or cores)
  std::string message;         // full sentence naming task, buffer, sizes and a fix
};

// The buffer that holds a block's working set is tasks/onchip_buffer.hpp's answer (the one
// lint's buffer-capacity rule uses too). Cost: O(tasks).
std::vector<CapacityViolation> find_capacity_violations(const Graph& graph, const Machine& machine);

// Throws CapacityError with the first violation's message (and how many more there are).
void check_capacity(const Graph& graph, const Machine& machine);

}  // namespace tg
