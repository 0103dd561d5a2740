#include "scheduler/strategy.hpp"

#include "runtime/error.hpp"
#include "scheduler/strategy_critical_path.hpp"
#include "scheduler/strategy_early_dispatch.hpp"
#include "scheduler/strategy_locality.hpp"

namespace tg {
namespace {

// Ready order within a shape, lowest free group: what a plain ready queue does.
class FifoStrategy final : public DispatchStrategy {
 public:
  std::string_view name() const override { return "fifo"; }
};

}  // namespace

void DispatchStrategy::prepare(const Graph&, const Machine&, std::span<const std::int64_t>) {}

double DispatchStrategy::priority(TaskId) const { return 0; }

int DispatchStrategy::choose_group(const Graph&, TaskId, const sim::FreeSet& free_groups, std::span<const int>) const {
  return free_groups.lowest();
}

std::vector<std::string> strategy_names() { return {"fifo", "critical-path", "locality", "early-dispatch"}; }

std::unique_ptr<DispatchStrategy> make_strategy(std::string_view name) {
  if (name == "fifo") return std::make_unique<FifoStrategy>();
  if (name == "critical-path") return std::make_unique<CriticalPathStrategy>();
  if (name == "locality") return std::make_unique<LocalityStrategy>();
  if (name == "early-dispatch") return std::make_unique<EarlyDispatchStrategy>();
  std::string names;
  for (const auto& n : strategy_names()) names += (names.empty() ? "" : ", ") + n;
  throw ConfigError("unknown dispatch strategy '" + std::string(name) + "'; choose one of: " + names);
}

}  // namespace tg
