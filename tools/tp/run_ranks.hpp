#pragma once
// One rank of `tilegraph run MODEL --tp N` (docs/scale_out.md, "Tensor-parallel model
// scopes"): every rank fills the single-rank run's inputs (the same seed or --inputs folder),
// cuts its part, runs its graph on a DistributedExecutor; the results are gathered to rank 0,
// which judges them with the single-rank golden, writes the single-rank dump layout and
// prints the report. Returns the exit code (rank 0's verdict; 0 on the other ranks).
#include <iosfwd>
#include <memory>

#include "models/common/model_run.hpp"
#include "tools/run_model.hpp"

namespace tg::cli {

int run_ranks(const ModelRunRequest& request, std::unique_ptr<models::ModelRun> full, std::ostream& out);

}  // namespace tg::cli
