#pragma once
// TpRankRun: one rank's part of a tensor-parallel model run. Its graph is the rank's shard of
// the single-rank scope (with collectives in it); every tensor it shares with the single-rank
// run by name has a placement: replicated (each rank holds all of it, the same values) or
// sharded along one dim (rank r holds the r-th of `ranks` equal parts). The rank's inputs are
// cut from a single-rank run's, and its results put back together from the placements, so
// the single-rank golden and dump judge and write a TP run unchanged. Tensors of the rank
// graph without a placement are the TP's own (partial sums, local halves before a gather).
#include <memory>
#include <string>
#include <vector>

#include "models/common/model_run.hpp"
#include "models/common/weight_packs.hpp"
#include "runtime/box.hpp"

namespace tg::models {

struct TpPlacement {
  std::string tensor;
  int shard_dim = -1;  // -1: replicated
  bool sharded() const { return shard_dim >= 0; }
};

// What a model's rank builder returns: the rank's graph and the placement of every tensor of
// the single-rank scope.
struct TpRankGraph {
  Graph graph;
  std::vector<TpPlacement> placements;
};

// "1, 2, 4": the rank counts that split `extent` (heads, groups) evenly, for error messages.
std::string even_rank_counts(std::int64_t extent);

class TpRankRun final : public ModelRun {
 public:
  // `packs`: the weight tiles the graph's host-tiled cube tasks read (packed by take_inputs).
  TpRankRun(Graph graph, std::string model, int rank, int ranks, std::vector<TpPlacement> placements,
            std::shared_ptr<WeightPacks> packs = nullptr);

  int rank() const { return rank_; }
  int ranks() const { return ranks_; }
  const std::vector<TpPlacement>& placements() const { return placements_; }
  // The placement of a tensor of the single-rank run; Error naming it when there is none.
  const TpPlacement& placement(const std::string& tensor) const;
  // This rank's box of a tensor of global shape `global` placed by `placement`; ShapeError
  // when its dim does not split into `ranks` equal parts.
  Box slice_of(const TpPlacement& placement, const Shape& global) const;

  // Cuts this rank's part of every Input, Weight and InOut tensor from `full`'s (a
  // single-rank run of the same model and options, its inputs generated or loaded), then
  // packs the weights. Error when a placed tensor's shape here is not its part of full's.
  void take_inputs(const ModelRun& full);

  std::string summary() const override;  // "v32-decode-scope1 rank 1 of 2: 30 tasks, 41 edges"
  // A rank's inputs come from a single-rank run (take_inputs); both throw Error saying so.
  void generate_inputs(std::uint64_t seed) override;
  PrecisionReport check() const override;
  void inputs_bound() override;

 private:
  std::string model_;
  int rank_;
  int ranks_;
  std::vector<TpPlacement> placements_;
  std::shared_ptr<WeightPacks> packs_;
};

// part = global's entries [offset, offset + part's extent) along `dim` (every other dim whole).
// Cost: one memcpy per run of the dims before `dim`.
void copy_shard(const Tensor& global, int dim, std::int64_t offset, const Tensor& part);

}  // namespace tg::models
