#include "runtime/machine.hpp"
#include "runtime/multichip_machine.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include "runtime/embedded_presets.hpp"
#include "runtime/error.hpp"
#include "runtime/json_checked.hpp"
#include "runtime/json_object_reader.hpp"
#include "runtime/text_file.hpp"
#include "runtime/topology.hpp"

namespace tg {
namespace {

using Preset = presets::Embedded;
// {"a2a3", R"(...)"}, ... generated from machines/*.json.
constexpr Preset kPresets[] = {
#include "runtime/machine_presets.inc"
};

using nlohmann::json;
using json_checked::ObjectReader;

constexpr double kTera = 1e12, kGiga = 1e9;
constexpr std::uint64_t kKib = 1024;

// Read-time bounds (docs/machines.md). A block's duration is flops / rate or bytes /
// bandwidth in ns, held in 64 bits: with at most 1e15 flops or bytes per block (scope JSON)
// and at least 1 GFLOP/s or 1 GB/s per core, one block takes at most 1e15 ns (2.6e17 with
// the cube's M padding of at most 256x). Latencies are at most 1e12 ns (1000 s) each. Sums
// over long chains of such blocks are the simulator's to saturate.
constexpr double kMaxChipTera = 1e6;           // TFLOP/s, TOP/s per chip
constexpr double kMinGiga = 1e-3, kMaxGiga = 1e9;  // GFLOP/s, GB/s figures as written
constexpr double kMinPerCoreRate = 1e9;        // flops/s or bytes/s per core after division
constexpr std::int64_t kMaxLatencyNs = 1000000000000;  // 1e12 ns
constexpr std::int64_t kMaxCoreGroups = 20000, kMaxThreadsOrLanes = 1000;
constexpr std::int64_t kMaxCoresPerGroup = 8;  // MIX subslots are the bits of an 8-bit mask
constexpr std::int64_t kMaxBoxRows = 256;  // cube flops are scaled by up to this padding factor
constexpr std::int64_t kMaxLineBytes = std::int64_t{1} << 20;
constexpr std::int64_t kMaxBufferKib = std::int64_t{1} << 30;  // 1 TiB per on-chip buffer
constexpr std::int64_t kMaxRingSlots = std::int64_t{1} << 24;
// An efficiency divides a rate: at least 1% keeps the slowest rate at 1e7 per second, and
// the simulator checks every duration it derives (a block beyond 2^62 ns is an error).
constexpr double kMinEfficiency = 0.01;
constexpr double kMaxSpread = 0.9;  // a draw of mean x (1 +- spread) stays positive
constexpr double kMaxSkewHigh = 10;  // a skewed draw's largest value, as a multiple of its mean
constexpr std::int64_t kMaxTileExtent = std::int64_t{1} << 31;

// A per-core rate derived from a chip figure: too small a figure for the cores it is split
// over would make durations overflow.
void require_per_core_rate(ObjectReader& r, const std::string& path, double per_core, const char* unit) {
  if (per_core < kMinPerCoreRate)
    r.fail(path, "gives " + std::to_string(per_core / 1e9) + " G" + unit + " per core; must give at least 1 G" + unit +
                     " per core (raise the figure or lower the core count)");
}

// Fills everything but topology and buffers (which the host preset takes from hwloc). On
// the host every modelled core is a host core: its rates are the host lane's, so the chip
// figures and the per-core GM figure are not part of machines/host.json.
void read_rates_and_latencies(ObjectReader& root, Machine& m, bool host) {
  auto compute = root.object("compute");
  m.host_flops_per_s = compute.number("host_gflops_per_lane", "GFLOP/s", true, 1, kMaxGiga) * kGiga;
  m.cube_m_box_rows = static_cast<int>(compute.integer("cube_m_box_rows", "rows", 1, kMaxBoxRows));
  if (host) {
    m.cube_bf16_flops_per_s = m.cube_int8_ops_per_s = m.vector_flops_per_s = m.host_flops_per_s;
  } else {
    // Per-core rates: the chip figure over the cores of that type.
    auto per_core = [&](const char* key, const char* unit, CoreType type) {
      const double rate = compute.number(key, unit, true, kMinGiga / 1e3, kMaxChipTera) * kTera / m.cores(type);
      require_per_core_rate(compute, "/compute/" + std::string(key), rate, unit + 1);
      return rate;
    };
    m.cube_bf16_flops_per_s = per_core("cube_bf16_tflops_per_chip", "TFLOP/s", CoreType::Aic);
    m.cube_int8_ops_per_s = per_core("cube_int8_tops_per_chip", "TOP/s", CoreType::Aic);
    m.vector_flops_per_s = per_core("vector_fp32_tflops_per_chip", "TFLOP/s", CoreType::Aiv);
  }
  compute.reject_unknown();

  auto memory = root.object("memory");
  m.hbm_bytes_per_s = memory.number("hbm_gbytes_per_s", "GB/s", true, 1, kMaxGiga) * kGiga;
  m.host_bytes_per_s = memory.number("host_gbytes_per_s_per_lane", "GB/s", true, 1, kMaxGiga) * kGiga;
  m.gm_bytes_per_s_per_core =
      host ? m.host_bytes_per_s : memory.number("gm_gbytes_per_s_per_core", "GB/s", true, 1, kMaxGiga) * kGiga;
  m.gm_line_bytes = static_cast<std::uint64_t>(memory.integer("gm_line_bytes", "bytes", 1, kMaxLineBytes));
  if (memory.has("l2_kib")) m.l2_bytes = static_cast<std::uint64_t>(memory.integer("l2_kib", "KiB", 0, kMaxBufferKib)) * kKib;
  if (memory.has("staging_ring_kib"))
    m.staging_ring_bytes = static_cast<std::uint64_t>(memory.integer("staging_ring_kib", "KiB", 0, kMaxBufferKib)) * kKib;
  memory.reject_unknown();

  auto latency = root.object("latency_ns");
  m.orchestrator_submit_ns = latency.integer("orchestrator_submit", "ns", 0, kMaxLatencyNs);
  m.dispatch_ns = latency.integer("dispatch", "ns", 0, kMaxLatencyNs);
  m.pickup_ns = latency.integer("pickup", "ns", 0, kMaxLatencyNs);
  m.fin_detect_ns = latency.integer("fin_detect", "ns", 0, kMaxLatencyNs);
  m.kernel_overhead_ns = latency.integer("kernel_overhead", "ns", 0, kMaxLatencyNs);
  // Optional chip-model components: absent = not modelled (0).
  auto optional_ns = [&](const char* key, std::int64_t& field) {
    if (latency.has(key)) field = latency.integer(key, "ns", 0, kMaxLatencyNs);
  };
  optional_ns("orchestrator_per_arg", m.orchestrator_per_arg_ns);
  optional_ns("completion", m.completion_ns);
  optional_ns("cold_start", m.cold_start_ns);
  optional_ns("switch", m.switch_ns);
  optional_ns("queued_switch", m.queued_switch_ns);
  if (latency.has("spmd_block_dispatch")) m.spmd_block_dispatch_ns = latency.integer("spmd_block_dispatch", "ns", 0, kMaxLatencyNs);
  latency.reject_unknown();
}

// A kernel's "by_tile": [{"rows", "cols", "efficiency"}, ...], at most one entry per shape.
std::vector<Machine::TileEfficiency> read_tile_efficiency(ObjectReader& kernel) {
  std::vector<Machine::TileEfficiency> table;
  if (!kernel.has("by_tile")) return table;
  const json& rows = kernel.array("by_tile", "an array of {rows, cols, efficiency}");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto entry = kernel.element("by_tile", rows[i], i);
    const Machine::TileEfficiency e{entry.integer("rows", "rows", 1, kMaxTileExtent), entry.integer("cols", "cols", 1, kMaxTileExtent),
                                    entry.number("efficiency", "fraction of peak", true, kMinEfficiency, 1)};
    entry.reject_unknown();
    for (const auto& seen : table)
      if (seen.rows == e.rows && seen.cols == e.cols)
        entry.fail(entry.path(), "a second entry for tiles of " + std::to_string(e.rows) + " x " + std::to_string(e.cols) +
                                     "; give each tile shape once");
    table.push_back(e);
  }
  std::sort(table.begin(), table.end(), [](const auto& a, const auto& b) { return a.rows != b.rows ? a.rows < b.rows : a.cols < b.cols; });
  return table;
}

// Optional objects of the chip model: "efficiency" (achieved fraction of peak per core type
// and per kernel) and "jitter" (relative spreads --jitter draws from).
void read_efficiency_and_jitter(ObjectReader& root, Machine& m) {
  if (root.has("efficiency")) {
    auto eff = root.object("efficiency");
    auto fraction = [&](ObjectReader& r, const std::string& key) {
      return r.number(key, "fraction of peak", true, kMinEfficiency, 1);
    };
    if (eff.has("cube")) m.cube_efficiency = fraction(eff, "cube");
    if (eff.has("vector")) m.vector_efficiency = fraction(eff, "vector");
    if (eff.has("kernels")) {
      auto kernels = eff.object("kernels");
      for (const auto& name : kernels.keys()) {
        if (!kernels.holds_object(name)) {
          m.kernel_efficiency.push_back({name, fraction(kernels, name)});
          continue;
        }
        auto kernel = kernels.object(name);
        m.kernel_efficiency.push_back({name, fraction(kernel, "efficiency"), read_tile_efficiency(kernel)});
        kernel.reject_unknown();
      }
    }
    eff.reject_unknown();
  }
  if (root.has("jitter")) {
    auto jitter = root.object("jitter");
    // A number is a symmetric half-width; {"min", "max"} a skewed range (fractions of the mean).
    auto spread = [&](const char* key, Machine::Spread& field) {
      if (!jitter.has(key)) return;
      if (!jitter.holds_object(key)) {
        field = Machine::Spread::symmetric(jitter.number(key, "fraction of the mean", false, 0, kMaxSpread));
        return;
      }
      auto range = jitter.object(key);
      field.low = range.number("min", "fraction of the mean", false, 0, 1);
      field.high = range.number("max", "fraction of the mean", false, 1, kMaxSkewHigh);
      range.reject_unknown();
    };
    spread("dispatch", m.jitter.dispatch);
    spread("completion", m.jitter.completion);
    spread("head", m.jitter.head);
    spread("cold_start", m.jitter.cold_start);
    spread("fin_detect", m.jitter.fin_detect);
    spread("kernel", m.jitter.kernel);
    jitter.reject_unknown();
  }
}

void read_topology(ObjectReader& root, Machine& m) {
  auto topology = root.object("topology");
  m.core_groups = static_cast<int>(topology.integer("core_groups", "groups", 1, kMaxCoreGroups));
  // Optional: the core-group shape, 1 AIC + 2 AIV unless the file says otherwise.
  if (topology.has("aic_per_group"))
    m.aic_per_group = static_cast<int>(topology.integer("aic_per_group", "cores", 1, kMaxCoresPerGroup - 1));
  if (topology.has("aiv_per_group"))
    m.aiv_per_group = static_cast<int>(topology.integer("aiv_per_group", "cores", 1, kMaxCoresPerGroup - 1));
  if (m.cores_per_group() > kMaxCoresPerGroup)
    topology.fail("/topology/aiv_per_group", "makes a core group of " + std::to_string(m.cores_per_group()) +
                                                  " cores; at most " + std::to_string(kMaxCoresPerGroup) +
                                                  " (a MIX task names its subslots in 8 bits)");
  m.scheduler_threads = static_cast<int>(topology.integer("scheduler_threads", "threads", 1, kMaxThreadsOrLanes));
  m.host_lanes = static_cast<int>(topology.integer("host_lanes", "lanes", 1, kMaxThreadsOrLanes));
  if (topology.has("task_ring_slots"))
    m.task_ring_slots = static_cast<int>(topology.integer("task_ring_slots", "slots; 0 = unbounded", 0, kMaxRingSlots));
  if (topology.has("core_pending_slots"))
    m.core_pending_slots = static_cast<int>(topology.integer("core_pending_slots", "slots (the model holds at most one)", 0, 1));
  topology.reject_unknown();
}

void read_buffers(ObjectReader& root, Machine& m) {
  auto buffers = root.object("buffers_kib");
  auto kib = [&](const char* key) { return static_cast<std::uint64_t>(buffers.integer(key, "KiB", 1, kMaxBufferKib)) * kKib; };
  m.aiv_ub_bytes = kib("aiv_ub");
  m.aiv_ub_usable_bytes = kib("aiv_ub_usable");
  m.aic_l1_bytes = kib("aic_l1");
  m.aic_l0a_bytes = kib("aic_l0a");
  m.aic_l0b_bytes = kib("aic_l0b");
  m.aic_l0c_bytes = kib("aic_l0c");
  buffers.reject_unknown();
  if (m.aiv_ub_usable_bytes > m.aiv_ub_bytes)
    buffers.fail("/buffers_kib/aiv_ub_usable", "is larger than /buffers_kib/aiv_ub");
}

// The host as a chip: every cores_per_group() cores play one group (1 AIC + 2 AIV by default); per core the
// "UB" and "L1" are the L2 cache and L0 the L1 data cache.
void fill_from_hwloc(Machine& m) {
  const HostTopology host = detect_host_topology();
  const int cores = std::max(1, host.cores);
  m.core_groups = std::max(1, cores / m.cores_per_group());
  m.scheduler_threads = 1;
  m.host_lanes = cores;
  std::uint64_t l1d = 32 * kKib, l2 = 256 * kKib;  // used when hwloc reports no caches
  for (const auto& c : host.caches) {
    if (c.level == 1 && c.type != "instruction") l1d = c.bytes;
    if (c.level == 2) l2 = c.bytes;
  }
  m.aiv_ub_bytes = m.aiv_ub_usable_bytes = m.aic_l1_bytes = l2;
  m.aic_l0a_bytes = m.aic_l0b_bytes = m.aic_l0c_bytes = l1d;
  m.origin = "hwloc host (" + std::to_string(cores) + " cores) + machines/host.json";
}

Machine parse(std::string_view text, std::string_view origin, bool host_from_hwloc) {
  const json doc = json_checked::parse(text, origin, json_checked::PathStyle::Pointer);
  ObjectReader root(doc, std::string(origin), "");
  Machine m;
  m.name = root.text("name");
  m.description = root.has("description") ? root.text("description") : "";
  m.origin = std::string(origin);
  if (host_from_hwloc) {
    fill_from_hwloc(m);
  } else {
    read_topology(root, m);
    read_buffers(root, m);
  }
  read_rates_and_latencies(root, m, host_from_hwloc);
  if (root.has("fitted_on")) (void)root.object("fitted_on");  // a fitted preset's provenance (docs/calibration.md)
  read_efficiency_and_jitter(root, m);
  root.reject_unknown();
  try {
    m.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(origin) + ": " + e.what());
  }
  return m;
}

std::string format_bytes(std::uint64_t bytes) {
  std::ostringstream os;
  if (bytes % kKib == 0)
    os << bytes / kKib << " KiB";
  else
    os << bytes << " B";
  return os.str();
}

}  // namespace

std::vector<std::string> machine_preset_names() {
  return presets::names(kPresets);
}

Machine parse_machine_json(std::string_view text, std::string_view origin) { return parse(text, origin, false); }

Machine load_machine(std::string_view name_or_path) {
  if (!presets::names_a_file(name_or_path)) {
    const Preset* preset = presets::find(kPresets, name_or_path);
    if (!preset) {
      std::string names;
      for (const auto& n : machine_preset_names()) names += (names.empty() ? "" : ", ") + n;
      std::string multichip;
      for (const auto& n : multichip_preset_names()) multichip += (multichip.empty() ? "" : ", ") + n;
      throw ConfigError("unknown machine '" + std::string(name_or_path) + "'; chip presets: " + names +
                        ", or a path to a machine .json file (multi-chip presets, for sim and run: " + multichip + ")");
    }
    Machine m = parse(preset->json, "machines/" + std::string(preset->name) + ".json", name_or_path == "host");
    if (name_or_path != "host") m.origin = "preset " + m.name;
    return m;
  }
  const std::string path(name_or_path);
  Machine m = parse(read_text_file(path, "machine file"), path, false);
  m.origin = "file " + path;
  return m;
}

void Machine::validate() const {
  auto fail = [&](const std::string& field, const std::string& what) {
    throw ConfigError("machine '" + name + "': " + field + " " + what);
  };
  if (core_groups < 1 || core_groups > 20000) fail("core_groups", "must be 1..20000");
  if (aic_per_group < 1 || aiv_per_group < 1 || cores_per_group() > kMaxCoresPerGroup)
    fail("aic_per_group / aiv_per_group", "must be >= 1 each and at most 8 cores per group together");
  if (std::int64_t{core_groups} * cores_per_group() + scheduler_threads + host_lanes > 65535)
    fail("core_groups", "times the cores per group, plus scheduler threads and host lanes, must be at most 65535 lanes");
  if (scheduler_threads < 1 || scheduler_threads > 1000) fail("scheduler_threads", "must be 1..1000");
  if (host_lanes < 1 || host_lanes > 1000) fail("host_lanes", "must be 1..1000");
  const std::pair<const char*, double> rates[] = {
      {"cube_bf16_flops_per_s", cube_bf16_flops_per_s}, {"cube_int8_ops_per_s", cube_int8_ops_per_s},
      {"vector_flops_per_s", vector_flops_per_s},       {"host_flops_per_s", host_flops_per_s},
      {"gm_bytes_per_s_per_core", gm_bytes_per_s_per_core}, {"hbm_bytes_per_s", hbm_bytes_per_s},
      {"host_bytes_per_s", host_bytes_per_s}};
  // The same bounds as the JSON reader's: durations in ns must not overflow 64 bits.
  for (const auto& [field, value] : rates)
    if (!(value >= kMinPerCoreRate) || !std::isfinite(value))
      fail(field, "must be a finite number >= 1e9 (1 GFLOP/s or 1 GB/s per core; docs/machines.md)");
  const std::pair<const char*, std::int64_t> latencies[] = {
      {"orchestrator_submit_ns", orchestrator_submit_ns}, {"dispatch_ns", dispatch_ns}, {"pickup_ns", pickup_ns},
      {"fin_detect_ns", fin_detect_ns}, {"kernel_overhead_ns", kernel_overhead_ns},
      {"orchestrator_per_arg_ns", orchestrator_per_arg_ns}, {"completion_ns", completion_ns},
      {"cold_start_ns", cold_start_ns}, {"switch_ns", switch_ns}, {"spmd_block_dispatch_ns", block_dispatch_ns(false)},
      {"queued_switch_ns", queued_switch_ns}};
  for (const auto& [field, value] : latencies)
    if (value < 0 || value > kMaxLatencyNs) fail(field, "must be 0 to 1e12 ns");
  if (cube_m_box_rows < 1) fail("cube_m_box_rows", "must be >= 1");
  if (task_ring_slots < 0 || task_ring_slots > kMaxRingSlots) fail("task_ring_slots", "must be 0 (unbounded) to 2^24");
  auto check_efficiency = [&](const std::string& field, double value) {
    if (!(value >= kMinEfficiency && value <= 1)) fail(field, "must be a fraction of peak from 0.01 to 1");
  };
  check_efficiency("cube_efficiency", cube_efficiency);
  check_efficiency("vector_efficiency", vector_efficiency);
  if (core_pending_slots < 0 || core_pending_slots > 1) fail("core_pending_slots", "must be 0 or 1");
  for (const auto& k : kernel_efficiency) {
    check_efficiency("kernel_efficiency '" + k.kernel + "'", k.efficiency);
    for (const auto& e : k.by_tile) {
      check_efficiency("kernel_efficiency '" + k.kernel + "' by_tile", e.efficiency);
      if (e.rows < 1 || e.cols < 1) fail("kernel_efficiency '" + k.kernel + "' by_tile", "tile rows and cols must be >= 1");
    }
  }
  for (const Spread& s : {jitter.dispatch, jitter.completion, jitter.head, jitter.cold_start, jitter.fin_detect, jitter.kernel})
    if (!(s.low >= 0 && s.low <= 1 && s.high >= 1 && s.high <= kMaxSkewHigh))
      fail("jitter", "a spread's low end must be 0 to 1 and its high end 1 to 10 times the mean");
  if (aiv_ub_usable_bytes > aiv_ub_bytes) fail("aiv_ub_usable_bytes", "is larger than aiv_ub_bytes");
}

double Machine::KernelEfficiency::at(std::int64_t rows, std::int64_t cols) const {
  double found = efficiency;
  for (const TileEfficiency& e : by_tile) {  // sorted by rows, then cols: the last fit wins
    if (e.rows > rows) break;
    if (e.cols <= cols) found = e.efficiency;
  }
  return found;
}

std::string Machine::summary() const {
  std::ostringstream os;
  os << "machine " << name << " (" << origin << ")";
  if (!description.empty()) os << ": " << description;
  os << "\n  " << core_groups << " core groups (" << cores(CoreType::Aic) << " AIC + " << cores(CoreType::Aiv)
     << " AIV), " << scheduler_threads << " scheduler threads, " << host_lanes << " host lanes\n";
  os << "  per core: cube " << cube_bf16_flops_per_s / 1e12 << " TFLOP/s bf16, " << cube_int8_ops_per_s / 1e12
     << " TOP/s int8; vector " << vector_flops_per_s / 1e9 << " GFLOP/s; GM " << gm_bytes_per_s_per_core / 1e9
     << " GB/s (shared HBM " << hbm_bytes_per_s / 1e9 << " GB/s)\n";
  os << "  latency: submit " << orchestrator_submit_ns << " ns, dispatch " << dispatch_ns << " ns, pickup "
     << pickup_ns << " ns, FIN detection " << fin_detect_ns << " ns, kernel overhead " << kernel_overhead_ns
     << " ns\n";
  os << "  chip model: submit " << orchestrator_per_arg_ns << " ns per argument, task ring "
     << (task_ring_slots ? std::to_string(task_ring_slots) + " slots" : std::string("unbounded")) << ", staging ring "
     << (staging_ring_bytes ? format_bytes(staging_ring_bytes) : std::string("unbounded")) << "; completion "
     << completion_ns << " ns, cold start " << cold_start_ns << " ns, switch " << switch_ns << " ns, pending slots per core " << core_pending_slots
     << " (queued switch " << queued_switch_ns << " ns); L2 "
     << (l2_bytes ? format_bytes(l2_bytes) : std::string("none")) << "; efficiency cube " << cube_efficiency
     << ", vector " << vector_efficiency << " (" << kernel_efficiency.size() << " kernels named)\n";
  os << "  buffers: AIV UB " << format_bytes(aiv_ub_bytes) << " (" << format_bytes(aiv_ub_usable_bytes)
     << " usable), AIC L1 " << format_bytes(aic_l1_bytes) << ", L0A " << format_bytes(aic_l0a_bytes) << ", L0B "
     << format_bytes(aic_l0b_bytes) << ", L0C " << format_bytes(aic_l0c_bytes) << "; cube M in boxes of "
     << cube_m_box_rows << " rows\n";
  return os.str();
}

}  // namespace tg
