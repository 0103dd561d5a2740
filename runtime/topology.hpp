#pragma once
// The host machine as hwloc sees it: packages, NUMA nodes, cores, PUs and caches.
#include <cstdint>
#include <string>
#include <vector>

namespace tg {

struct CacheLevel {
  int level = 0;              // 1, 2, 3
  std::string type;           // "data", "instruction", "unified"
  std::uint64_t bytes = 0;    // size of one instance
  int instances = 0;
};

struct HostTopology {
  int packages = 0;
  int numa_nodes = 0;
  int cores = 0;
  int pus = 0;  // hardware threads
  std::vector<CacheLevel> caches;
  std::vector<std::uint64_t> numa_bytes;
  std::string cpu_model;

  std::string summary() const;  // multi-line, human readable
};

// Reads the topology once per call with hwloc; throws tg::Error if hwloc fails.
HostTopology detect_host_topology();

// Pins the calling thread to core `core_index` (modulo the core count); returns false
// where binding is not supported. Never throws.
bool pin_current_thread_to_core(int core_index);

}  // namespace tg
