#include "trace/calibrate/fit.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "runtime/error.hpp"
#include "tasks/task_cost.hpp"

namespace tg {
namespace {

constexpr double kMinRate = 1e9;  // the machine file's floor: 1 G per core per second

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

bool uses_cube_rate(const Task& t) { return t.kind == TaskKind::Cube || (t.kind == TaskKind::Mix && (t.mix_slots & kSlotAic)); }

// Which per-core rate of the Machine a task's flops run at.
enum class Rate { CubeBf16, CubeInt8, Vector, Host };
Rate rate_of(const Task& t) {
  if (t.kind == TaskKind::Host) return Rate::Host;
  if (uses_cube_rate(t)) return t.cost && t.cost->int8 ? Rate::CubeInt8 : Rate::CubeBf16;
  return Rate::Vector;
}

// Per-block figures of one run, gathered once.
struct BlockSample {
  const Task* task;
  double duration_ns;
  double flops;  // padded as the simulator pads them
  double bytes;
};

struct Samples {
  std::vector<double> empty_durations;
  std::vector<BlockSample> blocks;
  std::vector<double> fin_tail, ready_after_fin, span_per_block, first_start_after_dispatch, submit_steps, submit_records;
  std::vector<double> empty_fanout_periods;
};

void gather(const CalibrationRun& run, const Machine& base, Samples& s) {
  const Graph& g = *run.graph;
  const Timeline& tl = *run.timeline;
  const std::size_t n = g.num_tasks();
  std::vector<std::int64_t> first_start(n, INT64_MAX), first_dispatch(n, INT64_MAX), last_finish(n, -1);
  for (const TimelineRow r : tl.rows()) {
    const Task& t = g.task(r.task);
    const double d = static_cast<double>(r.end_ns - r.start_ns);
    if (r.subslot == 0 && run.costs_known) {  // a MIX block's subslots share one duration
      if (!t.cost && t.kind != TaskKind::Host) s.empty_durations.push_back(d);
      if (t.cost) {
        const double pad = uses_cube_rate(t) ? cube_padding_factor(t, base) : 1.0;
        s.blocks.push_back(BlockSample{&t, d, t.cost->flops * pad, t.cost->bytes});
      }
    }
    if (r.finish_ns > r.end_ns) s.fin_tail.push_back(static_cast<double>(r.finish_ns - r.end_ns));
    first_start[r.task] = std::min(first_start[r.task], r.start_ns);
    first_dispatch[r.task] = std::min(first_dispatch[r.task], r.dispatch_ns);
    last_finish[r.task] = std::max(last_finish[r.task], r.finish_ns);
  }
  // Ready after the deciding producer's FIN: per producer the first of its consumers to be
  // released, as the rest of a fan-out also wait for a free thread (the host records ready
  // when a thread takes the task up).
  std::vector<std::int64_t> first_release(n, INT64_MAX);
  for (TaskId t = 0; t < n; ++t) {
    if (first_start[t] == INT64_MAX) continue;
    std::int64_t inputs = -1;
    TaskId deciding = 0;
    for (const TaskId p : g.predecessors(t))
      if (last_finish[p] > inputs) {
        inputs = last_finish[p];
        deciding = p;
      }
    const std::int64_t ready = tl.ready_ns(t);
    if (inputs >= 0 && ready >= inputs && ready > tl.submit_ns(t))
      first_release[deciding] = std::min(first_release[deciding], ready - inputs);
    if (g.task(t).kind != TaskKind::Host) s.first_start_after_dispatch.push_back(static_cast<double>(first_start[t] - first_dispatch[t]));
  }
  for (const std::int64_t wait : first_release)
    if (wait != INT64_MAX) s.ready_after_fin.push_back(static_cast<double>(wait));
  for (const LaneSpan sp : tl.scheduler_spans())
    if (!g.task(sp.task).sync_start) s.span_per_block.push_back(static_cast<double>(sp.end_ns - sp.begin_ns));
  for (const CapturePhase& p : run.phases)
    if (p.kind == "dispatch" && p.tasks_processed > 0)
      s.span_per_block.push_back(static_cast<double>(p.end_ns - p.begin_ns) / static_cast<double>(p.tasks_processed));
  for (const CaptureSubmit& sub : run.submits) s.submit_records.push_back(static_cast<double>(sub.end_ns - sub.begin_ns));
  if (run.submits.empty())
    for (TaskId t = 1; t < n; ++t) s.submit_steps.push_back(static_cast<double>(tl.submit_ns(t) - tl.submit_ns(t - 1)));

  // Independent empty tasks (no edges at all among the empty ones): their sustained period
  // per block on this run is what a dispatcher that keeps up must do.
  std::vector<std::int64_t> starts, ends;
  for (const TimelineRow r : tl.rows()) {
    const Task& t = g.task(r.task);
    if (t.cost || t.kind == TaskKind::Host || !g.predecessors(r.task).empty()) continue;
    starts.push_back(r.start_ns);
    ends.push_back(r.end_ns);
  }
  if (run.costs_known && starts.size() >= 8) {
    const auto lo = *std::min_element(starts.begin(), starts.end()), hi = *std::max_element(ends.begin(), ends.end());
    s.empty_fanout_periods.push_back(static_cast<double>(hi - lo) / static_cast<double>(starts.size()));
  }
}

}  // namespace

namespace {
// The chip-model components the fit does not model (docs/machines.md), by their file keys;
// empty when `m` uses the simple latency model only.
std::vector<std::string> unfitted_components(const Machine& m) {
  std::vector<std::string> on;
  if (m.orchestrator_per_arg_ns != 0) on.push_back("orchestrator_per_arg");
  if (m.task_ring_slots != 0) on.push_back("task_ring_slots");
  if (m.staging_ring_bytes != 0) on.push_back("staging_ring_bytes");
  if (m.completion_ns != 0) on.push_back("completion");
  if (m.spmd_block_dispatch_ns) on.push_back("spmd_block_dispatch");
  if (m.cold_start_ns != 0) on.push_back("cold_start");
  if (m.switch_ns != 0) on.push_back("switch");
  if (m.core_pending_slots != 0) on.push_back("core_pending_slots");
  if (m.l2_bytes != 0) on.push_back("l2");
  if (m.cube_efficiency != 1 || m.vector_efficiency != 1 || !m.kernel_efficiency.empty()) on.push_back("efficiency");
  return on;
}
}  // namespace

MachineFit fit_machine(const Machine& base, const std::vector<CalibrationRun>& runs) {
  // Fitting the simple latencies of a machine that also models scheduler-thread contention,
  // switches or an L2 would fold those effects into the wrong parameters: refuse, not guess.
  if (const auto on = unfitted_components(base); !on.empty()) {
    std::string list;
    for (const auto& c : on) list += (list.empty() ? "" : ", ") + c;
    throw ConfigError("machine '" + base.name + "' (" + base.origin + ") models chip-model components the fit does not (" +
                      list + "); calibrate fits the simple latency model only: start from a machine without them " +
                      "(docs/calibration.md)");
  }
  Samples s;
  MachineFit fit;
  fit.machine = base;
  std::size_t rows = 0;
  for (const CalibrationRun& run : runs) {
    if (!run.graph || !run.timeline) throw ConfigError("calibration run '" + run.label + "' has no graph or timeline");
    rows += run.timeline->rows().size();
    gather(run, base, s);
    fit.runs.push_back(run.label);
  }
  if (rows == 0) throw ConfigError("the calibration runs have no timeline rows; nothing to fit");
  Machine& m = fit.machine;
  auto record = [&](const std::string& name, double value, double previous, std::size_t samples, const std::string& from) {
    fit.parameters.push_back(FittedParameter{name, value, previous, samples, from});
  };

  // Per kernel (descriptor, or task name): the median duration of each block size it ran
  // at (a block preempted on a loaded host is an outlier, not a sample), and through those
  // points a line: time per flop and the fixed cost of a call. A kernel seen at one size only
  // gets the fixed cost of the empty tasks.
  struct Kernel {
    std::map<double, std::vector<double>> durations_by_flops;
    std::vector<std::pair<double, double>> bytes_and_ns;  // per block
    double flops = 0;
    std::size_t blocks = 0;
    Rate rate = Rate::Vector;
    bool host = false;
  };
  std::map<std::pair<std::string, std::string>, Kernel> by_kernel;
  for (const BlockSample& b : s.blocks) {
    Kernel& k = by_kernel[{b.task->kernel_name.empty() ? b.task->name : b.task->kernel_name, std::string(name_of(b.task->kind))}];
    k.rate = rate_of(*b.task);
    k.host = b.task->kind == TaskKind::Host;
    if (b.flops > 0) {
      k.durations_by_flops[b.flops].push_back(b.duration_ns);
      k.flops += b.flops;
      ++k.blocks;
    }
    k.bytes_and_ns.emplace_back(b.bytes, b.duration_ns);
  }
  struct Line {
    double ns_per_flop = 0, fixed_ns = 0;
    bool fitted_fixed = false;
  };
  auto line_of = [](const Kernel& k, double default_fixed) {
    std::vector<std::pair<double, double>> points;  // (flops, median duration)
    for (const auto& [flops, durations] : k.durations_by_flops) points.emplace_back(flops, median(durations));
    Line l;
    if (points.size() >= 2 && !k.host) {
      double mf = 0, md = 0;
      for (const auto& [f, d] : points) {
        mf += f;
        md += d;
      }
      mf /= static_cast<double>(points.size());
      md /= static_cast<double>(points.size());
      double cov = 0, var = 0;
      for (const auto& [f, d] : points) {
        cov += (f - mf) * (d - md);
        var += (f - mf) * (f - mf);
      }
      if (var > 0 && cov > 0) {
        l.ns_per_flop = cov / var;
        l.fixed_ns = std::max(0.0, md - l.ns_per_flop * mf);
        l.fitted_fixed = true;
        return l;
      }
    }
    const double fixed = k.host ? 0.0 : default_fixed;
    std::vector<double> per_flop;
    for (const auto& [flops, durations] : k.durations_by_flops) per_flop.push_back(std::max(1.0, median(durations) - fixed) / flops);
    l.ns_per_flop = median(per_flop);
    l.fixed_ns = fixed;
    return l;
  };
  const double empty_overhead = s.empty_durations.empty() ? static_cast<double>(m.kernel_overhead_ns) : median(s.empty_durations);
  std::vector<double> call_costs;
  for (const auto& [key, k] : by_kernel)
    if (!k.durations_by_flops.empty()) {
      const Line l = line_of(k, empty_overhead);
      if (l.fitted_fixed) call_costs.push_back(l.fixed_ns);
    }
  if (!call_costs.empty() || !s.empty_durations.empty()) {
    const bool from_kernels = !call_costs.empty();
    const auto v = std::llround(from_kernels ? median(call_costs) : empty_overhead);
    record("latency_ns/kernel_overhead", static_cast<double>(v), static_cast<double>(m.kernel_overhead_ns),
           from_kernels ? call_costs.size() : s.empty_durations.size(),
           from_kernels ? "median over kernels of the fixed cost of a call (the line through their block sizes)"
                        : "median block duration of tasks without a cost hint");
    m.kernel_overhead_ns = v;
  }
  const double overhead = static_cast<double>(m.kernel_overhead_ns);

  // Per core type: its blocks' flops over the time their kernels' lines give them.
  struct Sum {
    double flops = 0, ns = 0, max_bytes_per_ns = 0;
    std::size_t blocks = 0;
  };
  std::map<Rate, Sum> by_rate;
  for (const auto& [key, k] : by_kernel) {
    Sum& sum = by_rate[k.rate];
    for (const auto& [bytes, ns] : k.bytes_and_ns)
      sum.max_bytes_per_ns = std::max(sum.max_bytes_per_ns, bytes / std::max(1.0, ns - (k.host ? 0.0 : overhead)));
    if (k.durations_by_flops.empty()) continue;
    const Line l = line_of(k, overhead);
    fit.kernels.push_back(KernelRate{key.first, key.second, k.blocks, 1e9 / l.ns_per_flop});
    sum.flops += k.flops;
    sum.ns += k.flops * l.ns_per_flop;
    sum.blocks += k.blocks;
  }

  auto fit_rate = [&](Rate r, double& field, const std::string& name, double chip_cores, double unit) {
    const auto it = by_rate.find(r);
    if (it == by_rate.end() || it->second.ns <= 0) return;
    const double previous = field;
    field = std::max(kMinRate, it->second.flops / it->second.ns * 1e9);
    record(name, field * chip_cores / unit, previous * chip_cores / unit, it->second.blocks,
           "flops / the time each kernel's line (median duration per block size) gives them");
  };
  const double aic = m.cores(CoreType::Aic), aiv = m.cores(CoreType::Aiv);
  fit_rate(Rate::CubeBf16, m.cube_bf16_flops_per_s, "compute/cube_bf16_tflops_per_chip", aic, 1e12);
  fit_rate(Rate::CubeInt8, m.cube_int8_ops_per_s, "compute/cube_int8_tops_per_chip", aic, 1e12);
  fit_rate(Rate::Vector, m.vector_flops_per_s, "compute/vector_fp32_tflops_per_chip", aiv, 1e12);
  fit_rate(Rate::Host, m.host_flops_per_s, "compute/host_gflops_per_lane", 1, 1e9);

  // Bandwidths: never the bottleneck beyond what a block took (GM: cube and vector blocks).
  double device_bytes_per_ns = 0;
  for (Rate r : {Rate::CubeBf16, Rate::CubeInt8, Rate::Vector})
    if (by_rate.count(r)) device_bytes_per_ns = std::max(device_bytes_per_ns, by_rate[r].max_bytes_per_ns);
  if (device_bytes_per_ns > 0) {
    const double previous = m.gm_bytes_per_s_per_core;
    m.gm_bytes_per_s_per_core = std::max(kMinRate, device_bytes_per_ns * 1e9);
    m.hbm_bytes_per_s = std::max(m.hbm_bytes_per_s, m.gm_bytes_per_s_per_core * (aic + aiv));
    record("memory/gm_gbytes_per_s_per_core", m.gm_bytes_per_s_per_core / 1e9, previous / 1e9, s.blocks.size(),
           "the smallest bandwidth that keeps every block's bytes within its measured time");
  }
  if (by_rate.count(Rate::Host) && by_rate[Rate::Host].max_bytes_per_ns > 0) {
    const double previous = m.host_bytes_per_s;
    m.host_bytes_per_s = std::max(kMinRate, by_rate[Rate::Host].max_bytes_per_ns * 1e9);
    record("memory/host_gbytes_per_s_per_lane", m.host_bytes_per_s / 1e9, previous / 1e9, by_rate[Rate::Host].blocks,
           "the smallest bandwidth that keeps every host block's bytes within its measured time");
  }

  if (!s.fin_tail.empty() || !s.ready_after_fin.empty()) {
    const auto v = std::llround(median(s.fin_tail) + median(s.ready_after_fin));
    record("latency_ns/fin_detect", static_cast<double>(v), static_cast<double>(m.fin_detect_ns),
           s.fin_tail.size() + s.ready_after_fin.size(),
           "median (finish - end) + median over producers of (first consumer's ready - its FIN)");
    m.fin_detect_ns = v;
  }
  const bool spans = !s.span_per_block.empty();
  if (spans || !s.empty_fanout_periods.empty()) {
    const auto v = std::llround(median(spans ? s.span_per_block : s.empty_fanout_periods));
    record("latency_ns/dispatch", static_cast<double>(v), static_cast<double>(m.dispatch_ns),
           spans ? s.span_per_block.size() : s.empty_fanout_periods.size(),
           spans ? "median scheduler span per block" : "sustained period per block of independent empty tasks");
    m.dispatch_ns = v;
  }
  if (!s.first_start_after_dispatch.empty()) {
    const auto v = std::max<std::int64_t>(0, std::llround(median(s.first_start_after_dispatch)) - m.dispatch_ns);
    record("latency_ns/pickup", static_cast<double>(v), static_cast<double>(m.pickup_ns), s.first_start_after_dispatch.size(),
           "median (first start - dispatch) less the dispatch cost");
    m.pickup_ns = v;
  }
  const std::vector<double>& submits = s.submit_records.empty() ? s.submit_steps : s.submit_records;
  if (!submits.empty()) {
    const auto v = std::max<std::int64_t>(0, std::llround(median(submits)));
    record("latency_ns/orchestrator_submit", static_cast<double>(v), static_cast<double>(m.orchestrator_submit_ns),
           submits.size(), s.submit_records.empty() ? "median step between submit times" : "median submit record");
    m.orchestrator_submit_ns = v;
  }
  m.origin = "fitted on " + std::to_string(runs.size()) + " runs";
  m.validate();
  return fit;
}

std::string fitted_machine_json(const MachineFit& fit, const std::string& note) {
  using json = nlohmann::ordered_json;
  const Machine& m = fit.machine;
  const double aic = m.cores(CoreType::Aic), aiv = m.cores(CoreType::Aiv);
  json params = json::array();
  for (const FittedParameter& p : fit.parameters)
    params.push_back({{"field", p.name}, {"value", p.value}, {"previous", p.previous}, {"samples", p.samples}, {"from", p.from}});
  json kernels = json::array();
  for (const KernelRate& k : fit.kernels)
    kernels.push_back({{"kernel", k.kernel}, {"kind", k.kind}, {"blocks", k.blocks}, {"gflops_per_core", k.flops_per_s / 1e9}});
  const json doc = {
      {"name", m.name},
      {"description", m.description.empty() ? "fitted preset" : m.description},
      {"topology", {{"core_groups", m.core_groups}, {"aic_per_group", m.aic_per_group}, {"aiv_per_group", m.aiv_per_group},
                    {"scheduler_threads", m.scheduler_threads}, {"host_lanes", m.host_lanes}}},
      {"compute", {{"cube_bf16_tflops_per_chip", m.cube_bf16_flops_per_s * aic / 1e12},
                   {"cube_int8_tops_per_chip", m.cube_int8_ops_per_s * aic / 1e12},
                   {"vector_fp32_tflops_per_chip", m.vector_flops_per_s * aiv / 1e12},
                   {"host_gflops_per_lane", m.host_flops_per_s / 1e9},
                   {"cube_m_box_rows", m.cube_m_box_rows}}},
      {"memory", {{"hbm_gbytes_per_s", m.hbm_bytes_per_s / 1e9}, {"gm_gbytes_per_s_per_core", m.gm_bytes_per_s_per_core / 1e9},
                  {"host_gbytes_per_s_per_lane", m.host_bytes_per_s / 1e9}, {"gm_line_bytes", m.gm_line_bytes}}},
      {"latency_ns", {{"orchestrator_submit", m.orchestrator_submit_ns}, {"dispatch", m.dispatch_ns}, {"pickup", m.pickup_ns},
                      {"fin_detect", m.fin_detect_ns}, {"kernel_overhead", m.kernel_overhead_ns}}},
      {"buffers_kib", {{"aiv_ub", m.aiv_ub_bytes / 1024}, {"aiv_ub_usable", m.aiv_ub_usable_bytes / 1024},
                       {"aic_l1", m.aic_l1_bytes / 1024}, {"aic_l0a", m.aic_l0a_bytes / 1024},
                       {"aic_l0b", m.aic_l0b_bytes / 1024}, {"aic_l0c", m.aic_l0c_bytes / 1024}}},
      {"fitted_on", {{"note", note}, {"runs", fit.runs}, {"parameters", std::move(params)}, {"kernels", std::move(kernels)}}}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tg
