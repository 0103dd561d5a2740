// buffer-capacity: a block's working set against the on-chip buffer of the core it runs on
// (the "blows Vec UB" limit); which buffer applies is tasks/onchip_buffer.hpp's answer,
// the same one the simulator's capacity check uses. The working set is the task's cost hint (working_set_bytes)
// when it gives one: an error when over. Without a hint it is estimated as the bytes of
// all args divided by block_num (SPMD blocks split the args): only an info, because tiled
// kernels stream their args through the buffer. Cost: O(tasks * args).
#include <algorithm>

#include "tasks/lint_rules.hpp"
#include "tasks/onchip_buffer.hpp"

namespace tg::lint_detail {

namespace {

std::string kib(std::uint64_t bytes) {
  const auto tenths = (bytes * 10 + 512) / 1024;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " KiB";
}

}  // namespace

void check_capacity(const Graph& graph, const Machine& machine, std::vector<Diagnostic>& out) {
  for (const auto& task : graph.tasks()) {
    const auto on_chip = onchip_buffer_for(task, machine);
    if (!on_chip || on_chip->bytes == 0) continue;  // the machine gives no figure for it
    const bool declared = task.cost && task.cost->working_set_bytes > 0;
    std::uint64_t need = 0;
    if (declared) {
      need = task.cost->working_set_bytes;
    } else {
      for (const auto& a : task.args) need += a.view.bytes();
      const auto blocks = static_cast<std::uint64_t>(std::max(1, task.block_num));
      need = (need + blocks - 1) / blocks;
    }
    if (need <= on_chip->bytes) continue;
    Diagnostic d;
    d.rule = "buffer-capacity";
    d.severity = declared ? Severity::Error : Severity::Info;
    d.task = task.id;
    const std::string how = declared ? "declares a working set of " : "has an estimated working set (its args' bytes / block_num; no working_set_bytes hint) of ";
    d.message = task.label() + " (" + std::string(name_of(task.kind)) + ", block_num " + std::to_string(task.block_num) +
                ") " + how + kib(need) + " per block, over the " + kib(on_chip->bytes) + " " + on_chip->name +
                " of machine '" + machine.name + "'";
    d.suggestion = declared ? "tile the task smaller (more blocks or more tasks) until one block's tiles fit, or "
                              "stream its args through the buffer in chunks"
                            : "give the task a cost hint with working_set_bytes so the check is exact, or tile it smaller";
    out.push_back(std::move(d));
  }
}

}  // namespace tg::lint_detail
