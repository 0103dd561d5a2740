#include "scheduler/capacity_check.hpp"

#include "runtime/bytes_text.hpp"
#include "runtime/error.hpp"
#include "tasks/onchip_buffer.hpp"

namespace tg {
std::vector<CapacityViolation> find_capacity_violations(const Graph& graph, const Machine& machine) {
  std::vector<CapacityViolation> found;
  for (const Task& t : graph.tasks()) {
    if (t.kind == TaskKind::Host) continue;
    if (t.cost && t.cost->working_set_bytes > 0) {
      const auto on_chip = onchip_buffer_for(t, machine);
      const std::uint64_t have = on_chip->bytes;
      const std::string& buffer = on_chip->name;
      const std::uint64_t need = t.cost->working_set_bytes;
      if (need > have)
        found.push_back({t.id, buffer, need, have,
                         "task '" + t.label() + "' (" + std::string(name_of(t.kind)) + "): working set of " + bytes_text(need) +
                             " per block exceeds the " + buffer + " of " + bytes_text(have) + " on machine '" + machine.name +
                             "'; tile it smaller (more blocks or smaller tiles) so one block fits"});
    }
    if (t.sync_start) {
      const bool mix = t.kind == TaskKind::Mix;
      const int cores = mix ? machine.core_groups
                            : machine.cores(t.kind == TaskKind::Cube ? CoreType::Aic : CoreType::Aiv);
      const std::string what = mix ? "core groups" : (t.kind == TaskKind::Cube ? "AIC cores" : "AIV cores");
      if (t.block_num > cores)
        found.push_back({t.id, what, static_cast<std::uint64_t>(t.block_num), static_cast<std::uint64_t>(cores),
                         "task '" + t.label() + "': sync_start with " + std::to_string(t.block_num) +
                             " blocks can never launch on machine '" + machine.name + "', which has " +
                             std::to_string(cores) + " " + what + "; use at most that many blocks or drop sync_start"});
    }
  }
  return found;
}

void check_capacity(const Graph& graph, const Machine& machine) {
  const auto found = find_capacity_violations(graph, machine);
  if (found.empty()) return;
  std::string msg = found.front().message;
  if (found.size() > 1) msg += " (and " + std::to_string(found.size() - 1) + " more tasks over capacity)";
  const Task& task = graph.task(found.front().task);
  throw CapacityError(ErrorContext{.scope = graph.name(), .task_id = task.id, .task = task.label()}, msg, msg);
}

}  // namespace tg
