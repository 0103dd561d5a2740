#include "tools/tp/run_ranks.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <ostream>

#include "distributed/distributed_executor.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/shard.hpp"
#include "models/common/tp_models.hpp"
#include "runtime/error.hpp"
#include "tasks/lint.hpp"
#include "tools/checked_scope.hpp"
#include "tools/tp/comm_collectives.hpp"

namespace tg::cli {
namespace {

// Every result tensor of the single-rank run, from the ranks' parts: a sharded tensor put
// together on rank 0, a replicated one as rank 0 holds it. Collective: every rank calls it,
// and walks the same buffers in the same order. Empty on the other ranks.
models::TensorMap gather_results(const Comm& world, const models::ModelRun& full, const models::TpRankRun& rank_run) {
  models::TensorMap results;
  for (const auto& buffer : full.graph().buffers()) {
    if (buffer->role() != Role::Staging && buffer->role() != Role::Output && buffer->role() != Role::InOut) continue;
    const models::TpPlacement& placement = rank_run.placement(buffer->name());
    const Tensor& local = rank_run.tensor(buffer->name());
    if (!placement.sharded()) {
      if (world.rank() == 0) results.put(local);
      continue;
    }
    const ShardSpec shard = shard_along(buffer->name(), buffer->dtype(), buffer->shape(), placement.shard_dim, world.rank(),
                                        world.size());
    Tensor global = gather_shards(world, shard, local);
    if (world.rank() == 0) results.put(global.clone(buffer->name()));
  }
  return results;
}

struct RankOutcome {
  std::unique_ptr<models::TpRankRun> rank_run;
  models::TensorMap results;  // rank 0 only
  double run_ms = 0;
};

// The collective part: every rank builds and runs its graph, then the results come to rank 0.
RankOutcome run_collectively(const ModelRunRequest& request, const models::ModelRun& full, const Comm& world) {
  const auto& tp = models::find_tp_model(request.model);
  CommCollectives collectives(world);
  RankOutcome outcome;
  outcome.rank_run = tp.make_rank(full, world.rank(), world.size(), collectives);
  outcome.rank_run->graph().verify();
  outcome.rank_run->take_inputs(full);
  DistributedExecutor executor(world, {.threads = request.threads});
  const auto t0 = std::chrono::steady_clock::now();
  outcome.rank_run->run(executor, request.timeout_seconds);
  outcome.run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  outcome.results = gather_results(world, full, *outcome.rank_run);
  return outcome;
}

// Rank 0 alone, after every collective: the report, the golden check and the dump.
int report_on_rank0(const ModelRunRequest& request, models::ModelRun& full, const RankOutcome& outcome,
                    const std::string& inputs_line, std::ostream& out) {
  const auto& tp = models::find_tp_model(request.model);
  const auto& rank_run = *outcome.rank_run;
  out << full.summary() << "\n";
  out << fmt::format("--tp {}: {} split across {} MPI ranks; {}\n", rank_run.ranks(), tp.split, rank_run.ranks(),
                     rank_run.summary());
  bool ok = !print_lint_report(lint(rank_run.graph()), out);
  out << inputs_line << "\n";
  out << fmt::format("tp run: {} ranks, rank 0 {:.2f} ms on its host executor (first run: includes first touch of the "
                     "staging buffers)\n",
                     rank_run.ranks(), outcome.run_ms);
  full.adopt_run(outcome.results);
  out << "golden check of the ranks' results, gathered on rank 0:\n";
  ok = check_and_print(full, out) && ok;
  if (!request.dump_dir.empty()) {
    auto manifest = manifest_of(request);
    manifest.tp_ranks = rank_run.ranks();
    full.dump(request.dump_dir, manifest, request.force);
    out << "tensors written to " << request.dump_dir << "/{inputs,staging,outputs}/ (and " << models::kDumpManifestFile
        << "), gathered from the " << rank_run.ranks() << " ranks in the single-rank layout\n";
  }
  out << (ok ? "PASS\n" : "FAIL\n");
  return ok ? 0 : 1;
}

}  // namespace

int run_ranks(const ModelRunRequest& request, std::unique_ptr<models::ModelRun> full, std::ostream& out) {
  // Before MPI starts: every rank fills the same inputs, so a bad input is the same error
  // (and exit code) on every rank, and no rank waits for another.
  std::string inputs_line;
  if (request.inputs_dir.empty()) {
    full->generate_inputs(request.seed);
    inputs_line = fmt::format("inputs: generated from seed {} (on every rank)", request.seed);
  } else {
    full->load_inputs(request.inputs_dir);
    inputs_line = "inputs: read from " + request.inputs_dir + "/inputs/ (on every rank)";
  }
  full->validate_inputs({.allow_nonfinite = request.allow_nonfinite});

  int argc = 0;
  char** argv = nullptr;
  MpiSession session(argc, argv);
  const Comm world = session.world();
  RankOutcome outcome;
  try {
    outcome = run_collectively(request, *full, world);
  } catch (const std::exception& e) {
    // A rank that fails here may leave its peers inside a collective: end them all.
    std::cout.flush();
    std::cerr << "error: rank " << world.rank() << " of " << world.size() << ": " << e.what() << "\n";
    session.exit_after_error(e.what(), dynamic_cast<const ConfigError*>(&e) ? 2 : 3);
  }
  if (world.rank() != 0) return 0;
  return report_on_rank0(request, *full, outcome, inputs_line, out);
}

}  // namespace tg::cli
