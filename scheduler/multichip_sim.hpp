#pragma once
// MultiChipSimExecutor: every rank's graph on its own modelled chip (orchestrator, scheduler
// threads, cores: the SimExecutor's model, sim_executor.hpp) in one deterministic
// single-process run, no MPI. Communication tasks are the distributed layer's: HOST tasks
// with kernel_name "comm.all_reduce", "comm.all_gather", "comm.reduce_scatter",
// "comm.broadcast", "comm.all_to_all" (distributed/collectives.hpp; a JSON scope's
// "kernel"). The k-th communication task (in task order) of every rank is one collective
// over all ranks: it starts when every rank has reached it (made it ready), runs the phases
// of its plan (runtime/collective_cost.hpp) on the network's link lanes, shared with the
// other collectives in flight (scheduler/sim/link_share.hpp), and ends on every rank at
// once. Its task sits on a "link k" lane of each chip from ready to end; it takes no core,
// scheduler thread or host lane. Send / recv and sub-communicators are not modelled.
//
//   tg::MultiChipSimExecutor ex(tg::load_multichip_machine("a2a3x4"));
//   tg::MultiChipResult r = ex.simulate(rank_graphs);   // std::vector<tg::Graph>, one per chip
//
// Cost: the sum of the chips' SimExecutor costs, plus O(C (P + L)) for C collectives of P
// phases each and L of them in flight at once, plus O(R log R) for the statistics of R rows.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/collective_cost.hpp"
#include "runtime/multichip_machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/graph.hpp"

namespace tg {

// The collective a communication task stands for, by its kernel_name; nullopt for any
// other task. Throws ConfigError for comm.send / comm.recv (not modelled) or an unknown
// "comm." name.
std::optional<Collective> modelled_collective(const Task& task);
// The bytes its plan moves: all_reduce, broadcast, all_to_all, reduce_scatter: arg 0's
// view; all_gather: its output view (arg 1).
double collective_bytes(const Task& task, Collective op);

struct RankCommStats {
  int rank = 0;
  std::int64_t makespan_ns = 0;
  std::size_t collectives = 0;
  // Time with at least one of this rank's collectives in flight (ready to end: waiting for
  // the other ranks included).
  std::int64_t collective_ns = 0;
  // The part of collective_ns during which none of this rank's compute (a block on a core
  // or a host lane) runs: communication the schedule does not hide.
  std::int64_t exposed_ns = 0;
};

struct CollectiveRecord {
  std::size_t index = 0;          // k: the k-th communication task of every rank
  std::string label;              // rank 0's task label
  CollectivePlan plan;            // phases and their cost alone on the links
  std::int64_t first_ready_ns = 0;  // the first rank reached it
  std::int64_t all_ready_ns = 0;    // the last rank reached it: the collective starts
  std::int64_t end_ns = 0;          // its last phase's bytes are moved: it ends on every rank
};

struct MultiChipResult {
  std::vector<SimResult> ranks;            // each chip's run; timelines with "link k" lanes at the end
  std::vector<RankCommStats> comm;         // per rank
  std::vector<CollectiveRecord> collectives;
  std::int64_t makespan_ns = 0;            // the slowest rank's
  // Exposed communication over the makespan, the mean over ranks (0 .. 1).
  double exposed_share() const;
};

class MultiChipSimExecutor {
 public:
  // Throws ConfigError for an unknown strategy name or a machine that fails validate().
  // Every chip runs with `options` (functional_threads aside: timing only); with a jitter
  // seed, chip r draws from seed + r.
  explicit MultiChipSimExecutor(MultiChipMachine machine, SimOptions options = {});

  const MultiChipMachine& machine() const { return machine_; }

  // One graph per chip, in rank order (timing only: no kernels run). Throws ConfigError
  // when the count differs from the chips, or the ranks' collectives differ (count, order,
  // operation, bytes), naming both ranks' tasks; CapacityError as SimExecutor does.
  MultiChipResult simulate(const std::vector<const Graph*>& graphs) const;
  MultiChipResult simulate(const std::vector<Graph>& graphs) const;
  // A single-chip scope: the same graph on every chip (its collectives then span them all).
  MultiChipResult simulate_replicated(const Graph& graph) const;

 private:
  MultiChipMachine machine_;
  SimOptions options_;
};

}  // namespace tg
