// Simulate a tensor-parallel step on 1, 2 and 4 modelled a2a3 chips (no MPI, one process):
// each rank multiplies by its shard of the weight columns, all-reduces the partial rows, then
// normalises them. The all_reduce is the distributed layer's task kind (a HOST task named
// comm.all_reduce) built without a communicator (scheduler/modelled_collectives.hpp); with
// tg::all_reduce on a Comm the same per-rank graphs run under tg::DistributedExecutor.
#include <iostream>
#include <string>
#include <vector>

#include "runtime/multichip_machine.hpp"
#include "scheduler/modelled_collectives.hpp"
#include "scheduler/multichip_sim.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/scope.hpp"

namespace {

constexpr std::int64_t kTokens = 256, kHidden = 4096, kFfn = 16384;

tg::Graph rank_graph(int rank, int ranks) {
  const std::int64_t shard = kFfn / ranks;
  tg::Scope s{"tp_step_rank" + std::to_string(rank)};
  auto x = s.input("x", {kTokens, shard}, tg::BF16);
  auto w = s.weight("w_down_shard", {shard, kHidden}, tg::BF16);
  auto partial = s.staging("partial", {kTokens, kHidden}, tg::BF16);
  auto y = s.output("y", {kTokens, kHidden}, tg::BF16);
  constexpr int kBlocks = 24;
  const double flops = 2.0 * kTokens * static_cast<double>(shard) * kHidden;
  const double bytes = 2.0 * (static_cast<double>(shard) * kHidden + kTokens * (shard + kHidden));
  s.cube("down_proj", {tg::In(x), tg::In(w), tg::Out(partial)}).blocks(kBlocks).cost({flops / kBlocks, bytes / kBlocks, 0, false});
  if (ranks > 1) tg::modelled_all_reduce(s, ranks, partial, "sum_partials");
  s.vector("rmsnorm", {tg::In(partial), tg::Out(y)}).blocks(kBlocks).cost({5.0 * kTokens * kHidden / kBlocks, 4.0 * kTokens * kHidden / kBlocks, 0, false});
  return s.finalize();
}

}  // namespace

int main() {
  const tg::SimResult one = tg::SimExecutor(tg::load_machine("a2a3")).simulate(rank_graph(0, 1));
  std::cout << "1 chip: makespan " << one.timeline.makespan_ns / 1000.0 << " us\n";
  std::int64_t previous = one.timeline.makespan_ns;
  for (int chips : {2, 4}) {
    std::vector<tg::Graph> graphs;
    for (int r = 0; r < chips; ++r) graphs.push_back(rank_graph(r, chips));
    const tg::MultiChipSimExecutor sim(tg::load_multichip_machine("a2a3x" + std::to_string(chips)));
    const tg::MultiChipResult result = sim.simulate(graphs);
    std::cout << chips << " chips: makespan " << result.makespan_ns / 1000.0 << " us, exposed communication "
              << 100 * result.exposed_share() << "%\n  " << result.collectives.at(0).plan.describe() << "\n";
    // More chips, less work per chip: faster, and the collective is all exposed here (nothing
    // else runs while it is in flight).
    if (result.makespan_ns >= previous || result.exposed_share() <= 0) return 1;
    previous = result.makespan_ns;
  }
  return 0;
}
