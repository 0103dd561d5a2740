#include "scheduler/strategy_locality.hpp"

#include <algorithm>
#include <map>

namespace tg {

int LocalityStrategy::choose_group(const Graph& graph, TaskId task, std::span<const int> free_groups,
                                   std::span<const int> group_of_task) const {
  std::map<int, int> votes;  // group -> producers that ran there (few entries)
  for (TaskId p : graph.predecessors(task))
    if (group_of_task[p] >= 0) ++votes[group_of_task[p]];
  int best = free_groups.front();
  int best_votes = 0;
  for (int g : free_groups) {
    auto it = votes.find(g);
    const int v = it == votes.end() ? 0 : it->second;
    if (v > best_votes) {
      best = g;
      best_votes = v;
    }
  }
  return best;
}

}  // namespace tg
