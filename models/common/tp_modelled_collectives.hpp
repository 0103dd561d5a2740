#pragma once
// TpCollectives for graphs that are only simulated: the rank builders' collectives as the
// multi-chip simulator's modelled tasks (scheduler/modelled_collectives.hpp: the same task
// kind and arguments as distributed/collectives.hpp, no communicator). With it, one process
// builds every rank's graph of a tensor-parallel model and MultiChipSimExecutor runs them
// together: `tilegraph run MODEL --tp N --machine a2a3xN`, bench/distributed/tp_rank_sim_bench.
// Header-only: models/ does not link the scheduler; whoever includes this does.
#include <memory>
#include <string>
#include <vector>

#include "models/common/tp_models.hpp"
#include "scheduler/modelled_collectives.hpp"

namespace tg::models {

class ModelledTpCollectives final : public TpCollectives {
 public:
  explicit ModelledTpCollectives(int ranks) : ranks_(ranks) {}
  TaskRef all_gather(Scope& scope, const View& in, const View& out, std::string name) override {
    return modelled_all_gather(scope, ranks_, in, out, std::move(name));
  }
  TaskRef all_reduce(Scope& scope, const View& in, const View& out, std::string name) override {
    return modelled_all_reduce(scope, ranks_, in, out, std::move(name));
  }

 private:
  int ranks_;
};

// Every rank's run (graph and placements) of `tp`'s split of `full` across `ranks` chips, in
// rank order, their collectives modelled. ConfigError as TpModelEntry::check.
inline std::vector<std::unique_ptr<TpRankRun>> modelled_tp_ranks(const TpModelEntry& tp, const ModelRun& full,
                                                                 int ranks) {
  ModelledTpCollectives collectives(ranks);
  std::vector<std::unique_ptr<TpRankRun>> runs;
  for (int r = 0; r < ranks; ++r) runs.push_back(tp.make_rank(full, r, ranks, collectives));
  return runs;
}

}  // namespace tg::models
