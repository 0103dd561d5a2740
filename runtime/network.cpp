#include "runtime/network.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "runtime/error.hpp"

namespace tg {

std::string_view name_of(Topology t) {
  switch (t) {
    case Topology::Ring: return "ring";
    case Topology::FullyConnected: return "fully_connected";
    case Topology::Switch: return "switch";
  }
  return "?";
}

std::string_view name_of(Collective c) {
  switch (c) {
    case Collective::AllReduce: return "all_reduce";
    case Collective::AllGather: return "all_gather";
    case Collective::ReduceScatter: return "reduce_scatter";
    case Collective::Broadcast: return "broadcast";
    case Collective::AllToAll: return "all_to_all";
  }
  return "?";
}

std::string_view name_of(CollectiveAlgorithm a) {
  switch (a) {
    case CollectiveAlgorithm::Auto: return "auto";
    case CollectiveAlgorithm::Ring: return "ring";
    case CollectiveAlgorithm::HalvingDoubling: return "halving_doubling";
    case CollectiveAlgorithm::Direct: return "direct";
  }
  return "?";
}

namespace {
template <class E, std::size_t N>
std::optional<E> parse_by_name(std::string_view s, const E (&values)[N]) {
  for (E v : values)
    if (name_of(v) == s) return v;
  return std::nullopt;
}
}  // namespace

std::optional<Topology> parse_topology(std::string_view s) {
  constexpr Topology all[] = {Topology::Ring, Topology::FullyConnected, Topology::Switch};
  return parse_by_name(s, all);
}
std::optional<Collective> parse_collective(std::string_view s) {
  constexpr Collective all[] = {Collective::AllReduce, Collective::AllGather, Collective::ReduceScatter,
                                Collective::Broadcast, Collective::AllToAll};
  return parse_by_name(s, all);
}
std::optional<CollectiveAlgorithm> parse_collective_algorithm(std::string_view s) {
  constexpr CollectiveAlgorithm all[] = {CollectiveAlgorithm::Auto, CollectiveAlgorithm::Ring,
                                         CollectiveAlgorithm::HalvingDoubling, CollectiveAlgorithm::Direct};
  return parse_by_name(s, all);
}

int NetworkDim::hops(int distance) const {
  switch (topology) {
    case Topology::Ring: return std::min(distance, size - distance);
    case Topology::FullyConnected: return 1;
    case Topology::Switch: return 2;  // up to the switch and down again
  }
  return 1;
}

double NetworkDim::peer_bytes_per_s() const {
  if (topology == Topology::FullyConnected) return chip_bytes_per_s() / (size - 1);
  return chip_bytes_per_s();
}

bool NetworkDim::allows(CollectiveAlgorithm a) const {
  switch (a) {
    case CollectiveAlgorithm::Auto:
    case CollectiveAlgorithm::Ring: return true;
    case CollectiveAlgorithm::HalvingDoubling: return (size & (size - 1)) == 0;
    case CollectiveAlgorithm::Direct: return topology != Topology::Ring;
  }
  return false;
}

int Network::chips() const {
  std::int64_t n = 1;
  for (const NetworkDim& d : dims) n *= d.size;
  return static_cast<int>(n);
}

int Network::coordinate(int rank, std::size_t dim) const {
  for (std::size_t d = 0; d < dim; ++d) rank /= dims[d].size;
  return rank % dims[dim].size;
}

void Network::validate() const {
  auto fail = [](const std::string& field, const std::string& what) { throw ConfigError("network: " + field + " " + what); };
  if (dims.empty()) fail("dims", "must list at least one dimension");
  std::int64_t chips = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const NetworkDim& d = dims[i];
    const std::string at = "dims[" + std::to_string(i) + "].";
    if (d.size < 2 || d.size > 4096) fail(at + "size", "must be 2..4096 chips");
    chips *= d.size;
    if (chips > kMaxChips)
      fail(at + "size", "makes more than " + std::to_string(kMaxChips) + " chips in all (the simulator's cap; docs/machines.md)");
    if (d.links_per_chip < 1 || d.links_per_chip > 1024) fail(at + "links_per_chip", "must be 1..1024");
    if (d.topology == Topology::FullyConnected && d.links_per_chip % (d.size - 1) != 0)
      fail(at + "links_per_chip",
           "must be a multiple of size - 1 = " + std::to_string(d.size - 1) + " on a fully connected dimension (the same links to every peer)");
    if (!(d.link_bytes_per_s >= 1e6 && d.link_bytes_per_s <= 1e18)) fail(at + "link_bytes_per_s", "must be 1 MB/s to 1e9 GB/s");
    if (d.latency_ns < 0 || d.latency_ns > 1000000000000) fail(at + "latency_ns", "must be 0 to 1e12 ns");
  }
  for (int c = 0; c < kCollectives; ++c) {
    const CollectiveAlgorithm a = algorithm[static_cast<std::size_t>(c)];
    for (std::size_t i = 0; i < dims.size(); ++i)
      if (!dims[i].allows(a))
        fail(std::string("algorithms.") + std::string(name_of(static_cast<Collective>(c))),
             "is " + std::string(name_of(a)) + ", which dims[" + std::to_string(i) + "] (" +
                 std::string(name_of(dims[i].topology)) + " of " + std::to_string(dims[i].size) + ") cannot run" +
                 (a == CollectiveAlgorithm::Direct ? " (direct needs a fully_connected or switch dimension)"
                                                   : " (halving_doubling needs a power-of-two size)") +
                 "; use auto or ring");
  }
}

std::string Network::summary() const {
  std::ostringstream os;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    const NetworkDim& d = dims[i];
    os << "  network dim " << i << ": " << name_of(d.topology) << " of " << d.size << " chips, " << d.links_per_chip
       << " links per chip x " << d.link_bytes_per_s / 1e9 << " GB/s, " << d.latency_ns << " ns per hop\n";
  }
  os << "  algorithms:";
  for (int c = 0; c < kCollectives; ++c)
    os << " " << name_of(static_cast<Collective>(c)) << "=" << name_of(algorithm[static_cast<std::size_t>(c)]);
  os << "\n";
  return os.str();
}

}  // namespace tg
