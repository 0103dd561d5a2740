// Executors: HostExecutor (the kernels for real, oneTBB) and SimExecutor (the modelled chip,
// any preset and strategy; functional when given memory), their results, machines. The GIL
// is released while C++ runs; Python kernels take it back block by block.
#include <pybind11/stl.h>

#include <cmath>
#include <sstream>

#include "python/bindings.hpp"
#include "python/entry_limits.hpp"
#include "runtime/run_limits.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"

namespace tg::python {

int checked_threads(int threads, const std::string& what) {
  const int cap = max_host_threads();
  if (threads < 0 || threads > cap)
    throw ConfigError(what + " = " + std::to_string(threads) + " is out of range; expected 0 (all cores) to " +
                      std::to_string(cap) + " (8 x the " + std::to_string(cap / 8) + " hardware threads)");
  return threads;
}

double checked_timeout(double seconds, const std::string& what) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxTimeoutSeconds) {
    std::ostringstream got;
    got << seconds;
    throw ConfigError(what + " = " + got.str() + " is out of range; expected a number of seconds from 0 (no deadline) to " +
                      std::to_string(static_cast<long long>(kMaxTimeoutSeconds)));
  }
  return seconds;
}

namespace {

RunOptions run_options(const std::string& staging_fill, bool keep_staging, double timeout_seconds) {
  RunOptions o;
  if (staging_fill == "poison") o.staging_fill = StagingFill::Poison;
  else if (staging_fill != "zero") throw ConfigError("staging_fill: '" + staging_fill + "' (zero, poison)");
  o.keep_staging = keep_staging;
  o.timeout_seconds = checked_timeout(timeout_seconds, "timeout_seconds");
  return o;
}

// None, a Bindings, or a dict {name: numpy array} made into one.
py::object memory_object(const std::shared_ptr<Graph>& graph, const py::object& memory) {
  if (memory.is_none() || py::isinstance<PyBindings>(memory)) return memory;
  if (py::isinstance<py::dict>(memory)) {
    auto b = std::make_unique<PyBindings>(graph);
    for (auto [name, array] : memory.cast<py::dict>())
      b->bind(name.cast<std::string>(), py::reinterpret_borrow<py::object>(array));
    return py::cast(std::move(b));
  }
  throw py::type_error("memory must be a tg.Bindings (graph.bind(...)), a dict of numpy arrays, or None");
}

// Runs `run` without the GIL. A KernelError from a Python kernel is raised with the kernel's
// own exception as __cause__; the executor stays usable either way.
template <class Run> PyRunResult run_without_gil(bool simulated, const std::shared_ptr<Graph>& graph, const py::object& memory_in, Run&& run) {
  PyRunResult r{graph, memory_object(graph, memory_in), nullptr, false, std::nullopt};
  Bindings* memory = r.memory.is_none() ? nullptr : &r.memory.cast<PyBindings&>().memory;
  struct Forget {
    const Graph& g;
    ~Forget() { forget_kernel_failures(g); }
  } forget{*graph};
  try {
    py::gil_scoped_release release;
    r.result = run(*graph, memory);
    r.simulated = simulated;
  } catch (const KernelError& e) {
    raise_with_cause(e, take_kernel_failure(*graph, e));
  }
  return r;
}

Machine machine_from(const py::object& m) {
  if (py::isinstance<py::str>(m)) return load_machine(m.cast<std::string>());
  return cast_checked<Machine>(m, "machine", "a preset name, a machine .json path or a tg.Machine");
}

}  // namespace

void bind_executors(py::module_& m) {
  py::class_<Machine>(m, "Machine", "A modelled chip (machines/*.json); tg.load_machine('a2a3').")
      .def_readwrite("name", &Machine::name)
      .def_readwrite("description", &Machine::description)
      .def_readonly("origin", &Machine::origin)
      .def_readwrite("core_groups", &Machine::core_groups)
      .def_readwrite("scheduler_threads", &Machine::scheduler_threads)
      .def_readwrite("host_lanes", &Machine::host_lanes)
      .def_readwrite("cube_bf16_flops_per_s", &Machine::cube_bf16_flops_per_s)
      .def_readwrite("cube_int8_ops_per_s", &Machine::cube_int8_ops_per_s)
      .def_readwrite("vector_flops_per_s", &Machine::vector_flops_per_s)
      .def_readwrite("gm_bytes_per_s_per_core", &Machine::gm_bytes_per_s_per_core)
      .def_readwrite("hbm_bytes_per_s", &Machine::hbm_bytes_per_s)
      .def_readwrite("dispatch_ns", &Machine::dispatch_ns)
      .def_readwrite("pickup_ns", &Machine::pickup_ns)
      .def_readwrite("fin_detect_ns", &Machine::fin_detect_ns)
      .def_readwrite("kernel_overhead_ns", &Machine::kernel_overhead_ns)
      .def_readwrite("aiv_ub_usable_bytes", &Machine::aiv_ub_usable_bytes)
      .def_readwrite("aic_l1_bytes", &Machine::aic_l1_bytes)
      .def_readwrite("aic_per_group", &Machine::aic_per_group)
      .def_readwrite("aiv_per_group", &Machine::aiv_per_group)
      .def_readwrite("host_flops_per_s", &Machine::host_flops_per_s)
      .def_readwrite("host_bytes_per_s", &Machine::host_bytes_per_s)
      // The chip model's components (docs/machines.md); 0 turns one off.
      .def_readwrite("orchestrator_submit_ns", &Machine::orchestrator_submit_ns)
      .def_readwrite("orchestrator_per_arg_ns", &Machine::orchestrator_per_arg_ns)
      .def_readwrite("task_ring_slots", &Machine::task_ring_slots)
      .def_readwrite("staging_ring_bytes", &Machine::staging_ring_bytes)
      .def_readwrite("completion_ns", &Machine::completion_ns)
      .def_readwrite("spmd_block_dispatch_ns", &Machine::spmd_block_dispatch_ns)
      .def_readwrite("cold_start_ns", &Machine::cold_start_ns)
      .def_readwrite("switch_ns", &Machine::switch_ns)
      .def_readwrite("core_pending_slots", &Machine::core_pending_slots)
      .def_readwrite("queued_switch_ns", &Machine::queued_switch_ns)
      .def_readwrite("l2_bytes", &Machine::l2_bytes)
      .def_readwrite("cube_efficiency", &Machine::cube_efficiency)
      .def_readwrite("vector_efficiency", &Machine::vector_efficiency)
      .def("validate", &Machine::validate)
      .def("summary", &Machine::summary)
      .def("__repr__", [](const Machine& mc) { return "<tg.Machine " + mc.name + " (" + mc.origin + ")>"; });
  m.def("load_machine", &load_machine, py::arg("name_or_path"), "A preset ('a2a3', 'a5', 'host') or a JSON file.");
  m.def("machine_preset_names", &machine_preset_names);
  m.def("strategy_names", &strategy_names);

  py::class_<RingUsage>(m, "RingUsage")
      .def_readonly("name", &RingUsage::name)
      .def_readonly("depth", &RingUsage::depth)
      .def_readonly("capacity_bytes", &RingUsage::capacity_bytes)
      .def_readonly("peak_bytes", &RingUsage::peak_bytes);

  py::class_<ChipModelStats>(m, "ChipModelStats",
                             "What the chip model saw in a simulated run: orchestrator and scheduler-thread busy "
                             "time, head overhead, memory-bound time per core type (index 0 AIC, 1 AIV).")
      .def_readonly("orchestrator_busy_ns", &ChipModelStats::orchestrator_busy_ns)
      .def_readonly("orchestrator_end_ns", &ChipModelStats::orchestrator_end_ns)
      .def_readonly("orchestrator_stall_ns", &ChipModelStats::orchestrator_stall_ns)
      .def_readonly("scheduler_busy_ns", &ChipModelStats::scheduler_busy_ns)
      .def_readonly("completion_wait_ns", &ChipModelStats::completion_wait_ns)
      .def_readonly("head_overhead_ns", &ChipModelStats::head_overhead_ns)
      .def_readonly("cold_start_ns", &ChipModelStats::cold_start_ns)
      .def_readonly("switch_ns", &ChipModelStats::switch_ns)
      .def_property_readonly("hbm_bound_ns", [](const ChipModelStats& s) { return std::vector<std::int64_t>{s.hbm_bound_ns[0], s.hbm_bound_ns[1]}; })
      .def_property_readonly("l2_bound_ns", [](const ChipModelStats& s) { return std::vector<std::int64_t>{s.l2_bound_ns[0], s.l2_bound_ns[1]}; })
      .def_readonly("hbm_bytes", &ChipModelStats::hbm_bytes)
      .def_readonly("l2_hit_bytes", &ChipModelStats::l2_hit_bytes)
      .def_readonly("jitter_seed", &ChipModelStats::jitter_seed)
      .def("__repr__", [](const ChipModelStats& s) {
        return "<tg.ChipModelStats orchestrator busy " + std::to_string(s.orchestrator_busy_ns) + " ns, head overhead " +
               std::to_string(s.head_overhead_ns) + " ns, " + std::to_string(s.scheduler_busy_ns.size()) +
               " scheduler threads>";
      });

  py::class_<PyRunResult>(m, "RunResult", "What a run gives back: the timeline, outputs, staging (keep_staging).")
      .def_property_readonly("graph", [](const PyRunResult& r) { return r.graph; })
      .def_property_readonly("timeline", [](const PyRunResult& r) { return timeline_arrays(r.result->timeline); })
      .def_property_readonly("makespan_ns", [](const PyRunResult& r) { return timeline_makespan_ns(r.result->timeline); })
      .def_property_readonly("source", [](const PyRunResult& r) { return timeline_source(r.result->timeline); })
      .def("output", [](PyRunResult& r, const std::string& name) {
        if (r.memory.is_none()) throw BindingError("output('" + name + "'): this run had no memory (a timing-only run)");
        r.result->output(name);  // BindingError for a name that is not an output or InOut
        return r.memory.cast<PyBindings&>().array(name);
      }, py::arg("name"), "An Output or InOut buffer after the run, as numpy sharing the run's memory.")
      .def("staging", [](const PyRunResult& r, const std::string& name) { return tensor_array(r.result->staging(name)); },
           py::arg("name"), "A staging buffer of this run (run with keep_staging=True).")
      .def_property_readonly("is_simulation", [](const PyRunResult& r) { return r.sim() != nullptr || r.machine; })
      .def_property_readonly("strategy", [](const PyRunResult& r) { return r.sim() ? r.sim()->strategy : ""; })
      .def_property_readonly("machine", [](const PyRunResult& r) { return r.machine; })
      .def_property_readonly("peak_staging_bytes_last_use",
                             [](const PyRunResult& r) { return r.sim() ? r.sim()->peak_staging_bytes_last_use : std::uint64_t{0}; })
      .def_property_readonly("peak_staging_bytes_scope_exit",
                             [](const PyRunResult& r) { return r.sim() ? r.sim()->peak_staging_bytes_scope_exit : std::uint64_t{0}; })
      .def_property_readonly("rings", [](const PyRunResult& r) {
        return r.sim() ? r.sim()->rings : std::vector<RingUsage>{};
      })
      .def_property_readonly("tasks_without_cost", [](const PyRunResult& r) { return r.sim() ? r.sim()->tasks_without_cost : std::size_t{0}; })
      .def_property_readonly("events", [](const PyRunResult& r) { return r.sim() ? r.sim()->events : std::size_t{0}; })
      .def_property_readonly("model", [](const PyRunResult& r) -> std::optional<ChipModelStats> {
        if (!r.sim()) return std::nullopt;
        return r.sim()->model;
      }, "The chip model's statistics of a simulated run (tg.ChipModelStats); None for a host run.")
      .def("__repr__", [](const PyRunResult& r) {
        return "<tg.RunResult " + timeline_source(r.result->timeline) + ": makespan " +
               std::to_string(timeline_makespan_ns(r.result->timeline)) + " ns, " +
               std::to_string(timeline_rows(r.result->timeline)) + " rows>";
      });

  py::class_<Executor>(m, "Executor", "What runs a Graph: HostExecutor or SimExecutor.");
  py::class_<HostExecutor, Executor>(m, "HostExecutor", "Runs the kernels for real on host threads (oneTBB).")
      .def(py::init([](int threads, bool pin_threads, bool record) {
             return std::make_unique<HostExecutor>(
                 HostExecutorOptions{checked_threads(threads, "HostExecutor(threads)"), pin_threads, record});
           }),
           py::arg("threads") = 0, py::arg("pin_threads") = false, py::arg("record") = true)
      .def_property_readonly("threads", &HostExecutor::threads)
      .def_property_readonly("name", &HostExecutor::name)
      .def("run", [](HostExecutor& host, std::shared_ptr<Graph> g, const py::object& memory,
                     const std::string& staging_fill, bool keep_staging, double timeout_seconds) {
        const RunOptions options = run_options(staging_fill, keep_staging, timeout_seconds);
        return run_without_gil(false, g, memory, [&](const Graph& graph, Bindings* mem) {
          return std::make_shared<RunResult>(host.run(graph, mem, options));
        });
      }, py::arg("graph"), py::arg("memory") = py::none(), py::arg("staging_fill") = "zero",
         py::arg("keep_staging") = false, py::arg("timeout_seconds") = 0.0,
         "Runs every task once on `memory` (a tg.Bindings or a dict of numpy arrays).")
      .def("cancel", &HostExecutor::cancel, py::call_guard<py::gil_scoped_release>());

  py::class_<SimExecutor, Executor>(m, "SimExecutor", "The modelled chip: a deterministic discrete-event simulation.")
      .def(py::init([](const py::object& machine, const std::string& strategy, int functional_threads,
                       const std::string& staging, std::uint64_t ring_bytes, std::optional<std::uint64_t> jitter_seed) {
             SimOptions o;
             o.jitter_seed = jitter_seed;
             o.strategy = strategy;
             o.functional_threads = checked_threads(functional_threads, "SimExecutor(functional_threads)");
             if (staging == "scope-exit-ring") o.staging = StagingRelease::ScopeExitRing;
             else if (staging != "last-use") throw ConfigError("staging: '" + staging + "' (last-use, scope-exit-ring)");
             o.ring_bytes = ring_bytes;
             return std::make_unique<SimExecutor>(machine_from(machine), o);
           }),
           py::arg("machine") = "a2a3", py::arg("strategy") = "fifo", py::arg("functional_threads") = 0,
           py::arg("staging") = "last-use", py::arg("ring_bytes") = 0, py::arg("jitter_seed") = py::none(),
           "jitter_seed: draw the chip model's latencies from the machine's measured spreads with this seed "
           "(None: the deterministic means).")
      .def_property_readonly("name", &SimExecutor::name)
      .def_property_readonly("machine", &SimExecutor::machine)
      .def_property_readonly("strategy", [](const SimExecutor& s) { return s.options().strategy; })
      .def_property_readonly("jitter_seed", [](const SimExecutor& s) { return s.options().jitter_seed; })
      .def("simulate", [](const SimExecutor& sim, std::shared_ptr<Graph> g, const py::object& memory,
                          const std::string& staging_fill, bool keep_staging) {
        const RunOptions options = run_options(staging_fill, keep_staging, 0);
        auto r = run_without_gil(true, g, memory, [&](const Graph& graph, Bindings* mem) -> std::shared_ptr<RunResult> {
          return std::make_shared<SimResult>(sim.simulate(graph, mem, options));
        });
        r.machine = sim.machine();
        return r;
      }, py::arg("graph"), py::arg("memory") = py::none(), py::arg("staging_fill") = "zero",
         py::arg("keep_staging") = false,
         "Timing only, or functional with `memory` (every kernel also runs on the host in simulated order).");
  // run() is simulate() (the Executor interface), so host and chip read alike.
  py::type::of<SimExecutor>().attr("run") = py::type::of<SimExecutor>().attr("simulate");
}

}  // namespace tg::python
