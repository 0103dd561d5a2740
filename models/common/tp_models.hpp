#pragma once
// The models `tilegraph run MODEL --tp N` splits across N ranks, each as a function returning
// the graph (and tensors) of rank r of N from a single-rank run of the same options. MPI-free:
// MPI ranks (tools/tp/) and the multi-chip simulator build the same graphs from here.
//
//   const auto& tp = find_tp_model("v4-swa-attention");
//   auto full = find_model("v4-swa-attention").make(options);   // inputs generated or loaded here
//   tp.check(*full, 4);                                          // ConfigError: 4 does not divide O_GROUPS
//   auto rank = tp.make_rank(*full, r, 4, collectives);          // rank r's graph
//   rank->take_inputs(*full);
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/model_run.hpp"
#include "models/common/tp_collectives.hpp"
#include "models/common/tp_rank_run.hpp"

namespace tg::models {

struct TpModelEntry {
  std::string name;   // a name of model_registry()
  std::string split;  // what the ranks split, for --help: "the q heads (NUM_HEADS)"
  // ConfigError (exit 2) when `ranks` cannot split the model `full` was made with.
  std::function<void(const ModelRun& full, int ranks)> check;
  // Rank `rank`'s graph; its collectives from `collectives`. Calls check first.
  std::function<std::unique_ptr<TpRankRun>(const ModelRun& full, int rank, int ranks, TpCollectives& collectives)>
      make_rank;
};

const std::vector<TpModelEntry>& tp_model_registry();
// ConfigError naming the models that have a tensor-parallel form when `name` is not one.
const TpModelEntry& find_tp_model(std::string_view name);

}  // namespace tg::models
