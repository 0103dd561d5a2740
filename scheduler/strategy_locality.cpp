#include "scheduler/strategy_locality.hpp"

namespace tg {

// The free group named by most producers; ties go to the lower group, and with no free
// producer group the lowest free group: the same choice as a scan of every free group
// ascending, without touching the groups no producer ran on.
int LocalityStrategy::choose_group(const Graph& graph, TaskId task, const sim::FreeSet& free_groups,
                                   std::span<const int> group_of_task) const {
  const auto preds = graph.predecessors(task);
  int best = -1, best_votes = 0;
  for (std::size_t i = 0; i < preds.size(); ++i) {
    const int g = group_of_task[preds[i]];
    if (g < 0 || !free_groups.contains(g)) continue;
    bool counted = false;  // votes for g were counted at its first producer
    for (std::size_t j = 0; j < i && !counted; ++j) counted = group_of_task[preds[j]] == g;
    if (counted) continue;
    int votes = 0;
    for (std::size_t j = i; j < preds.size(); ++j) votes += group_of_task[preds[j]] == g ? 1 : 0;
    if (votes > best_votes || (votes == best_votes && g < best)) {
      best = g;
      best_votes = votes;
    }
  }
  return best >= 0 ? best : free_groups.lowest();
}

}  // namespace tg
