#pragma once
// The flow behind `tilegraph run MODEL` (and `tilegraph demo`): build the model's scope,
// lint it, fill its inputs (seed or --inputs DIR), run it on the HostExecutor, check every
// staging tensor and output against the golden stage by stage, optionally dump the tensors,
// and optionally replay it on a modelled chip (functional + timing) with traces.
// Any model in models/common/registry.hpp runs through here unchanged.
#include <cstdint>
#include <iosfwd>
#include <string>

#include "models/common/model_run.hpp"

namespace tg::cli {

struct ModelRunRequest {
  std::string model;             // a name from models::model_registry()
  models::ModelOptions options;  // config, batch, plant_bug
  std::uint64_t seed = 1;
  std::string inputs_dir;        // "" = generate from the seed
  std::string dump_dir;          // "" = no dump
  bool force = false;            // let the dump replace a non-empty folder that is not a dump
  int threads = 0;               // host threads, 0 = all cores
  double timeout_seconds = 0;    // the deadline of the host run and of the simulated run's kernels, 0 = none
  // Modelled chip: empty machine = host only.
  std::string machine;
  std::string strategy = "fifo";
  std::string trace_file;        // Perfetto JSON of the simulated run
  std::string html_file;         // HTML swimlane of the simulated run
  std::ostream* json = nullptr;  // the simulated run's analysis as one JSON object (--format json)
  bool allow_nonfinite = false;  // NaN / Inf in input tensors (refused by default, exit 2)
  bool allow_hazards = false;    // run a graph with lint errors (implied by options.plant_bug)
  int tp_ranks = 0;              // --tp N: split the model across N MPI ranks (tools/tp_launch.hpp), 0 = one process
};

// Prints the steps, the lint findings, the precision table and the first diverging stage
// to `out`. Returns the exit code: 0 when every local check is within tolerance and lint
// found no error, 1 otherwise (always 1 with a planted bug). A graph with lint errors is
// refused (exit 1, the lint report printed) unless allow_hazards. Bad options or files
// throw tg::Error.
int run_model(const ModelRunRequest& request, std::ostream& out);

// Pieces of the report that the tensor-parallel run (tools/tp/) prints the same way.
// The golden check of `run`'s last run, its table and time; whether every stage passed.
bool check_and_print(const models::ModelRun& run, std::ostream& out);
// What a dump of this request's run records about it.
models::DumpManifest manifest_of(const ModelRunRequest& request);

}  // namespace tg::cli
