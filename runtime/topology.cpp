#include "runtime/topology.hpp"

#include <hwloc.h>

#include <memory>
#include <sstream>

#include "runtime/error.hpp"

namespace tg {
namespace {

struct TopologyHandle {
  hwloc_topology_t topo = nullptr;
  TopologyHandle() {
    if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0)
      throw Error("hwloc: cannot load the host topology");
  }
  ~TopologyHandle() {
    if (topo) hwloc_topology_destroy(topo);
  }
  TopologyHandle(const TopologyHandle&) = delete;
  TopologyHandle& operator=(const TopologyHandle&) = delete;
};

int count(hwloc_topology_t topo, hwloc_obj_type_t type) {
  const int n = hwloc_get_nbobjs_by_type(topo, type);
  return n < 0 ? 0 : n;
}

}  // namespace

HostTopology detect_host_topology() {
  TopologyHandle h;
  HostTopology t;
  t.packages = count(h.topo, HWLOC_OBJ_PACKAGE);
  t.numa_nodes = count(h.topo, HWLOC_OBJ_NUMANODE);
  t.cores = count(h.topo, HWLOC_OBJ_CORE);
  t.pus = count(h.topo, HWLOC_OBJ_PU);
  for (int i = 0; i < t.numa_nodes; ++i) {
    hwloc_obj_t node = hwloc_get_obj_by_type(h.topo, HWLOC_OBJ_NUMANODE, static_cast<unsigned>(i));
    t.numa_bytes.push_back(node && node->attr ? node->attr->numanode.local_memory : 0);
  }
  const hwloc_obj_type_t cache_types[] = {HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE};
  for (auto type : cache_types) {
    const int n = count(h.topo, type);
    if (n == 0) continue;
    hwloc_obj_t obj = hwloc_get_obj_by_type(h.topo, type, 0);
    CacheLevel c;
    c.level = static_cast<int>(obj->attr->cache.depth);
    c.bytes = obj->attr->cache.size;
    c.instances = n;
    switch (obj->attr->cache.type) {
      case HWLOC_OBJ_CACHE_DATA: c.type = "data"; break;
      case HWLOC_OBJ_CACHE_INSTRUCTION: c.type = "instruction"; break;
      default: c.type = "unified"; break;
    }
    t.caches.push_back(c);
  }
  if (hwloc_obj_t root = hwloc_get_root_obj(h.topo))
    if (const char* model = hwloc_obj_get_info_by_name(root, "CPUModel")) t.cpu_model = model;
  if (t.cpu_model.empty())
    if (hwloc_obj_t pkg = hwloc_get_obj_by_type(h.topo, HWLOC_OBJ_PACKAGE, 0))
      if (const char* model = hwloc_obj_get_info_by_name(pkg, "CPUModel")) t.cpu_model = model;
  return t;
}

std::string HostTopology::summary() const {
  std::ostringstream os;
  os << "host: " << (cpu_model.empty() ? "unknown CPU" : cpu_model) << "\n";
  os << "  packages " << packages << ", NUMA nodes " << numa_nodes << ", cores " << cores << ", PUs " << pus << "\n";
  for (std::size_t i = 0; i < numa_bytes.size(); ++i)
    os << "  NUMA node " << i << ": " << numa_bytes[i] / (1024 * 1024) << " MiB\n";
  for (const auto& c : caches)
    os << "  L" << c.level << " " << c.type << ": " << c.bytes / 1024 << " KiB x " << c.instances << "\n";
  return os.str();
}

bool pin_current_thread_to_core(int core_index) {
  try {
    TopologyHandle h;
    const int cores = count(h.topo, HWLOC_OBJ_CORE);
    if (cores == 0) return false;
    hwloc_obj_t core = hwloc_get_obj_by_type(h.topo, HWLOC_OBJ_CORE, static_cast<unsigned>(core_index % cores));
    if (!core) return false;
    return hwloc_set_cpubind(h.topo, core->cpuset, HWLOC_CPUBIND_THREAD) == 0;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace tg
