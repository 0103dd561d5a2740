#include "runtime/collective_cost.hpp"

#include <cmath>
#include <sstream>

#include "runtime/bytes_text.hpp"
#include "runtime/error.hpp"

namespace tg {
namespace {

int log2_of(int p) {
  int k = 0;
  while ((1 << k) < p) ++k;
  return k;
}

// Over the halving-doubling partners p/2, p/4, .. 1 apart (or 1, 2, .. p/2: the same set),
// each step's part being `first_part`, then half of it, ...: the hops, and the bytes on the
// busiest link. On a ring every chip sends at once, so a link carries hops(d) messages of a
// step with partners d apart; elsewhere each message has its own links.
struct HalvingSteps {
  int hops = 0;
  double bytes = 0;
};
HalvingSteps halving_steps(const NetworkDim& d, double first_part, bool parts_halve, bool all_send) {
  HalvingSteps s;
  double part = first_part;
  for (int distance = d.size / 2; distance >= 1; distance /= 2) {
    const int h = d.hops(distance);
    s.hops += h;
    s.bytes += part * (all_send && d.topology == Topology::Ring ? h : 1);
    if (parts_halve) part /= 2;
  }
  return s;
}

}  // namespace

std::int64_t CollectivePhase::ns() const {
  return latency_ns + static_cast<std::int64_t>(std::ceil(bytes / (bytes_per_s / 1e9)));  // as the simulator's link lanes
}

std::int64_t CollectivePlan::ns() const {
  std::int64_t total = 0;
  for (const CollectivePhase& p : phases) total += p.ns();
  return total;
}

std::string CollectivePlan::describe() const {
  std::ostringstream os;
  os << name_of(op) << " " << bytes_text(static_cast<std::uint64_t>(bytes)) << ":";
  for (const CollectivePhase& p : phases)
    os << " [dim " << p.dim << " " << name_of(p.op) << " " << name_of(p.algorithm) << ", " << p.steps << (p.steps == 1 ? " step, " : " steps, ")
       << bytes_text(static_cast<std::uint64_t>(p.bytes)) << ", " << p.ns() << " ns]";
  return os.str();
}

CollectivePhase dimension_phase(const NetworkDim& d, std::size_t index, Collective op, CollectiveAlgorithm algorithm,
                                double n) {
  if (algorithm == CollectiveAlgorithm::Auto || !d.allows(algorithm))
    throw ConfigError("network: dims[" + std::to_string(index) + "] (" + std::string(name_of(d.topology)) + " of " +
                      std::to_string(d.size) + ") cannot run " + std::string(name_of(op)) + " with " +
                      std::string(name_of(algorithm)));
  const int p = d.size;
  const double part = n / p;
  CollectivePhase phase{index, op, algorithm, 0, 0, 0, d.peer_bytes_per_s()};
  switch (algorithm) {
    case CollectiveAlgorithm::Ring: {
      switch (op) {
        case Collective::ReduceScatter:
        case Collective::AllGather: phase.steps = p - 1; phase.bytes = (p - 1) * part; break;
        case Collective::AllReduce:
        case Collective::Broadcast: phase.steps = 2 * (p - 1); phase.bytes = 2 * (p - 1) * part; break;
        case Collective::AllToAll: phase.steps = p - 1; phase.bytes = part * p * (p - 1) / 2; break;
      }
      phase.latency_ns = phase.steps * d.hops(1) * d.latency_ns;
      break;
    }
    case CollectiveAlgorithm::HalvingDoubling: {
      HalvingSteps half;
      switch (op) {
        case Collective::ReduceScatter:
        case Collective::AllGather: half = halving_steps(d, n / 2, true, true); break;
        case Collective::AllReduce:
          half = halving_steps(d, n / 2, true, true);
          half.hops *= 2;
          half.bytes *= 2;
          break;
        case Collective::Broadcast: half = halving_steps(d, n, false, false); break;
        case Collective::AllToAll: half = halving_steps(d, n / 2, false, true); break;
      }
      phase.steps = log2_of(p) * (op == Collective::AllReduce ? 2 : 1);
      phase.bytes = half.bytes;
      phase.latency_ns = half.hops * d.latency_ns;
      break;
    }
    case CollectiveAlgorithm::Direct: {
      phase.bytes_per_s = d.chip_bytes_per_s();
      const bool two_steps = op == Collective::AllReduce || op == Collective::Broadcast;
      phase.steps = two_steps ? 2 : 1;
      phase.bytes = phase.steps * (p - 1) * part;
      phase.latency_ns = phase.steps * d.hops(1) * d.latency_ns;
      break;
    }
    case CollectiveAlgorithm::Auto: break;
  }
  return phase;
}

namespace {

CollectivePhase best_phase(const Network& net, std::size_t dim, Collective op, Collective phase_op, double bytes) {
  const NetworkDim& d = net.dims[dim];
  const CollectiveAlgorithm forced = net.algorithm[static_cast<std::size_t>(op)];
  if (forced != CollectiveAlgorithm::Auto) return dimension_phase(d, dim, phase_op, forced, bytes);
  CollectivePhase best = dimension_phase(d, dim, phase_op, CollectiveAlgorithm::Ring, bytes);
  for (CollectiveAlgorithm a : {CollectiveAlgorithm::HalvingDoubling, CollectiveAlgorithm::Direct}) {
    if (!d.allows(a)) continue;
    const CollectivePhase candidate = dimension_phase(d, dim, phase_op, a, bytes);
    if (candidate.ns() < best.ns()) best = candidate;
  }
  return best;
}

}  // namespace

CollectivePlan plan_collective(const Network& net, Collective op, double bytes) {
  CollectivePlan plan{op, bytes, {}};
  const std::size_t k = net.dims.size();
  auto add = [&](std::size_t dim, Collective phase_op, double phase_bytes) {
    plan.phases.push_back(best_phase(net, dim, op, phase_op, phase_bytes));
  };
  switch (op) {
    case Collective::AllReduce: {
      double n = bytes;
      std::vector<double> held;  // the buffer each reduce-scatter phase started from
      for (std::size_t d = 0; d + 1 < k; ++d) {
        add(d, Collective::ReduceScatter, n);
        held.push_back(n);
        n /= net.dims[d].size;
      }
      add(k - 1, Collective::AllReduce, n);
      for (std::size_t d = k - 1; d-- > 0;) add(d, Collective::AllGather, held[d]);
      break;
    }
    case Collective::ReduceScatter: {
      double n = bytes;
      for (std::size_t d = 0; d < k; ++d) {
        add(d, Collective::ReduceScatter, n);
        n /= net.dims[d].size;
      }
      break;
    }
    case Collective::AllGather: {
      // The mirror of reduce_scatter: the outermost dimension gathers the smallest buffer.
      std::vector<double> out(k);
      double n = bytes;
      for (std::size_t d = 0; d < k; ++d) {
        out[d] = n;
        n /= net.dims[d].size;
      }
      for (std::size_t d = k; d-- > 0;) add(d, Collective::AllGather, out[d]);
      break;
    }
    case Collective::Broadcast:
    case Collective::AllToAll:
      for (std::size_t d = 0; d < k; ++d) add(d, op, bytes);
      break;
  }
  return plan;
}

}  // namespace tg
