#pragma once
// Network: how the chips of a multi-chip machine are connected, described as ASTRA-sim's
// analytical backend describes a hierarchical topology: a list of dimensions, innermost
// first, each a ring, a fully connected group or a switch of `size` chips, with the links
// every chip has in that dimension, each link's bandwidth (per direction) and latency.
// The chips are the product of the sizes; chip r sits at coordinate (r mod size0,
// (r / size0) mod size1, ...). docs/machines.md gives the presets' figures and sources.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tg {

enum class Topology : std::uint8_t { Ring, FullyConnected, Switch };

// The collectives the distributed layer has (distributed/collectives.hpp), as the
// simulator models them; send / recv are not modelled.
enum class Collective : std::uint8_t { AllReduce, AllGather, ReduceScatter, Broadcast, AllToAll };
inline constexpr int kCollectives = 5;

// Per dimension: Ring (neighbour steps), HalvingDoubling (log2 steps with partners at
// distance p/2, p/4, ...; a binomial tree for broadcast; Bruck for all-to-all), Direct (every
// peer at once; fully connected or switch dimensions only). Auto = the cheapest of those a
// dimension allows, for each collective and size (collective_cost.hpp).
enum class CollectiveAlgorithm : std::uint8_t { Auto, Ring, HalvingDoubling, Direct };

std::string_view name_of(Topology t);
std::string_view name_of(Collective c);
std::string_view name_of(CollectiveAlgorithm a);
std::optional<Topology> parse_topology(std::string_view s);              // "ring", "fully_connected", "switch"
std::optional<Collective> parse_collective(std::string_view s);          // "all_reduce", ...
std::optional<CollectiveAlgorithm> parse_collective_algorithm(std::string_view s);  // "auto", "ring", "halving_doubling", "direct"

struct NetworkDim {
  Topology topology = Topology::Ring;
  int size = 2;                    // chips in one group of this dimension
  int links_per_chip = 1;          // a fully connected dimension spreads them evenly over the size - 1 peers
  double link_bytes_per_s = 0;     // one link, one direction
  std::int64_t latency_ns = 0;     // one hop (chip to chip, or chip to switch)

  // What one chip can push into this dimension at once: all its links.
  double chip_bytes_per_s() const { return link_bytes_per_s * links_per_chip; }
  // Links a message takes between two chips `distance` apart in this dimension.
  int hops(int distance) const;
  // The bandwidth one message to a single peer gets (a fully connected dimension reaches
  // each peer over links_per_chip / (size - 1) links; a ring or switch over all).
  double peer_bytes_per_s() const;
  bool allows(CollectiveAlgorithm a) const;
};

struct Network {
  std::vector<NetworkDim> dims;  // innermost first
  // Per collective (indexed by Collective): the algorithm every dimension uses.
  std::array<CollectiveAlgorithm, kCollectives> algorithm{};

  // A network of more chips is refused: the multi-chip simulator's time grows with the chips
  // (a 3-task scope: 4,096 chips 1.6 s and 106 MB, 16,384 chips 7.5 s and 400 MB, 65,536
  // over 60 s, on a shared 2-vCPU Zen 3; docs/machines.md). tools/multichip_report.hpp also
  // bounds chips x blocks.
  static constexpr int kMaxChips = 4096;

  int chips() const;
  // Coordinate of chip `rank` in dimension `dim`.
  int coordinate(int rank, std::size_t dim) const;
  // Throws ConfigError naming the first field out of range: at least one dimension, sizes
  // 2..4096, product at most kMaxChips, links 1..1024 (a fully connected dimension at least one
  // per peer and a multiple of size - 1), bandwidth 1 MB/s to 1e9 GB/s, latency 0..1e12 ns,
  // and every forced algorithm allowed by every dimension (halving-doubling: a power-of-two
  // size; direct: not a ring).
  void validate() const;
  // One line per dimension, with units.
  std::string summary() const;
};

}  // namespace tg
