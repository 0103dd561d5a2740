#include "tasks/onchip_buffer.hpp"

namespace tg {

std::optional<OnChipBuffer> onchip_buffer_for(const Task& task, const Machine& machine) {
  const OnChipBuffer ub{"AIV unified buffer (usable part)", machine.aiv_ub_usable_bytes};
  const OnChipBuffer l1{"AIC L1", machine.aic_l1_bytes};
  switch (task.kind) {
    case TaskKind::Vector: return ub;
    case TaskKind::Cube: return l1;
    case TaskKind::Mix: return (task.mix_slots & (kSlotAiv0 | kSlotAiv1)) ? ub : l1;
    case TaskKind::Host: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace tg
