#pragma once
// Which on-chip buffer holds one block's working set when a task runs on a machine; the
// simulator's capacity check and the buffer-capacity lint rule both ask here, so they
// cannot disagree.
#include <cstdint>
#include <optional>
#include <string>

#include "runtime/machine.hpp"
#include "tasks/task.hpp"

namespace tg {

struct OnChipBuffer {
  std::string name;    // "AIV unified buffer (usable part)" or "AIC L1"
  std::uint64_t bytes = 0;
};

// VECTOR -> AIV UB (usable part); CUBE -> AIC L1; MIX -> AIV UB when an AIV subslot is
// active (the vector part's tiles live there), else AIC L1; HOST -> none (no on-chip limit).
std::optional<OnChipBuffer> onchip_buffer_for(const Task& task, const Machine& machine);

}  // namespace tg
