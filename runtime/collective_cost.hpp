#pragma once
// What a collective costs on a Network, alone on its links: a plan of phases, one per
// dimension it crosses, each a number of steps of bytes sent `hops` links away.
//
// One dimension of p chips, per algorithm (n = the phase's buffer bytes; a step to a peer
// d apart costs hops(d) x latency; bytes go at the bandwidth below):
//   ring              reduce_scatter / all_gather: p-1 steps of n/p; all_reduce: 2(p-1) steps of n/p;
//                     broadcast: a scatter then an all_gather along the ring, 2(p-1) steps of n/p;
//                     all_to_all: p-1 steps, step k forwarding p-k parts of n/p; to the neighbour
//                     (d = 1) at the bandwidth of one peer
//   halving_doubling  reduce_scatter / all_gather: log2 p steps of n/2, n/4 .. n/p with partners
//                     p/2, p/4 .. 1 apart; all_reduce: both; broadcast: a binomial tree, log2 p steps
//                     of n; all_to_all: Bruck, log2 p steps of n/2; at the bandwidth of one peer. On a
//                     ring every chip sends at once, so a step to partners d apart puts hops(d)
//                     messages on each link: its bytes count hops(d) times (the tree's do not)
//   direct            every peer at once, at the chip's whole bandwidth in the dimension:
//                     reduce_scatter / all_gather / all_to_all 1 step of (p-1) parts of n/p;
//                     all_reduce and broadcast 2 (a scatter, then an all_gather); not on a ring
// A fully connected dimension reaches one peer over links_per_chip / (p-1) links, a ring or a
// switch over all of them (network.hpp). Several dimensions compose hierarchically, as
// ASTRA-sim's multi-dimensional collectives do: all_reduce = reduce_scatter on dims 0 .. k-2,
// all_reduce on the outermost dim of n / (p0 .. p_{k-2}), all_gather back on dims k-2 .. 0;
// reduce_scatter = dims 0 .. k-1 on n, n/p0, ...; all_gather = the reverse; broadcast and
// all_to_all = the whole n on each dim in turn. The algorithm of each phase is the network's
// for that collective, or with auto the cheapest the dimension allows for that size
// (ties: ring, then halving_doubling, then direct).
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/network.hpp"

namespace tg {

struct CollectivePhase {
  std::size_t dim = 0;
  Collective op = Collective::AllReduce;  // what this phase does on its dimension
  CollectiveAlgorithm algorithm = CollectiveAlgorithm::Ring;
  int steps = 0;
  double bytes = 0;              // sent one step after another by one chip (the phase's critical path)
  std::int64_t latency_ns = 0;   // the steps' hops x link latency
  double bytes_per_s = 0;        // the bandwidth its messages get with the links to themselves
  // Alone on its links: latency + bytes at bytes_per_s, rounded up to a whole ns.
  std::int64_t ns() const;
};

struct CollectivePlan {
  Collective op = Collective::AllReduce;
  double bytes = 0;
  std::vector<CollectivePhase> phases;  // run one after another
  std::int64_t ns() const;              // the sum of the phases'
  std::string describe() const;         // "all_reduce 1 MiB: dim 0 direct 2 steps ..."
};

// One collective on one dimension with one algorithm (not Auto); throws ConfigError when the
// dimension cannot run it (direct on a ring, halving_doubling on a size not a power of two).
CollectivePhase dimension_phase(const NetworkDim& dim, std::size_t index, Collective op, CollectiveAlgorithm algorithm,
                                double bytes);

// The plan of `op` on `bytes` (all_reduce, broadcast: the buffer; all_gather: its output;
// reduce_scatter: its input; all_to_all: one chip's input) over the whole network.
CollectivePlan plan_collective(const Network& network, Collective op, double bytes);

}  // namespace tg
