#pragma once
// `tilegraph run MODEL --tp N`: the model split across N ranks on Open MPI, under
// `mpirun -np N`. The tilegraph CLI never links MPI (docs/scale_out.md says why the ranks
// run a sibling executable): it checks the launch and the split before initialising
// anything, then replaces itself (execv: same process, so the same mpirun rank) with
// tilegraph-tp, built beside it from the same command code plus tools/tp/ (which links MPI
// and sets tp_runner()).
#include <iosfwd>
#include <memory>

#include "models/common/model_run.hpp"
#include "tools/run_model.hpp"

namespace tg::cli {

// The name of the sibling executable, beside tilegraph (build/tools/, or the install's bin/).
inline constexpr const char* kTpExecutable = "tilegraph-tp";

// Runs the ranks of a checked request, from its single-rank run (built, inputs not filled).
using TpRunner = int (*)(const ModelRunRequest& request, std::unique_ptr<models::ModelRun> full, std::ostream& out);
TpRunner& tp_runner();  // null in tilegraph; tilegraph-tp sets it

// What --tp needs, checked before anything starts: the launcher started N ranks
// (OMPI_COMM_WORLD_SIZE; UsageError saying how to launch otherwise), no option --tp does
// not support, a model with a tensor-parallel form and N splitting it (ConfigError naming
// the divisors). Returns the single-rank run of the request (graph built, inputs not filled).
std::unique_ptr<models::ModelRun> check_tp_request(const ModelRunRequest& request);

// run --tp: the checks, then, in tilegraph, execv of tilegraph-tp with the same command
// line (Error when it is missing or cannot start); in tilegraph-tp, tp_runner().
// With --machine (a multi-chip machine of N chips): every rank's graph built in this process
// with modelled collectives and simulated together (MultiChipSimExecutor); no MPI.
int run_model_tp(const ModelRunRequest& request, std::ostream& out);

}  // namespace tg::cli
