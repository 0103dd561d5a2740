// The model scopes (models/): build one, fill its inputs from a seed or a dump, run it on an
// executor, check it against its golden (the precision report as data) and dump it.
// tilegraph/models.py puts the one-call tg.models.run(...) on top.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <sstream>

#include "models/common/registry.hpp"
#include "python/bindings.hpp"
#include "python/entry_limits.hpp"
#include "scheduler/sim_executor.hpp"

namespace tg::python {
namespace {

struct PyModelRun {
  std::string model;
  std::unique_ptr<models::ModelRun> run;
  std::shared_ptr<Graph> graph;  // a copy of the run's graph, for results and writers
};

// ModelRun::run goes through the Executor interface (it restores the caches and keeps the
// staging), which hands back the RunResult part of a SimResult: this adaptor simulates and
// keeps the whole SimResult, so a model's simulated run has the simulator's statistics too.
class KeepSimResult final : public Executor {
 public:
  explicit KeepSimResult(const SimExecutor& sim) : sim_(sim) {}
  std::string name() const override { return sim_.name(); }
  RunResult run(const Graph& graph, Bindings* memory, const RunOptions& options) override {
    kept = std::make_shared<SimResult>(sim_.simulate(graph, memory, options));
    return *kept;
  }
  std::shared_ptr<SimResult> kept;

 private:
  const SimExecutor& sim_;
};

}  // namespace

void bind_models(py::module_& m) {
  py::module_ mm = m.def_submodule("_models", "Model scopes (use tilegraph.models).");
  using models::PrecisionReport;
  using models::StageCheck;
  using models::TensorStats;
  py::class_<TensorStats>(mm, "TensorStats", "One tensor against its golden.")
      .def_readonly("tensor", &TensorStats::tensor)
      .def_readonly("dtype", &TensorStats::dtype)
      .def_property_readonly("tolerance", [](const TensorStats& s) {
        return py::dict(py::arg("atol") = s.tolerance.atol, py::arg("rtol") = s.tolerance.rtol,
                        py::arg("max_mismatch_ratio") = s.tolerance.max_mismatch_ratio,
                        py::arg("rule") = std::string(s.tolerance.rule));
      })
      .def_readonly("compared", &TensorStats::compared)
      .def_readonly("mismatches", &TensorStats::mismatches)
      .def_readonly("exact", &TensorStats::exact)
      .def_readonly("non_finite", &TensorStats::non_finite)
      .def_readonly("max_abs_err", &TensorStats::max_abs_err)
      .def_readonly("max_rel_err", &TensorStats::max_rel_err)
      .def_readonly("allclose", &TensorStats::allclose)
      .def_readonly("untouched_changed", &TensorStats::untouched_changed)
      .def_property_readonly("mismatch_ratio", &TensorStats::mismatch_ratio)
      .def_property_readonly("exact_ratio", &TensorStats::exact_ratio)
      .def_property_readonly("passed", &TensorStats::pass);
  py::class_<StageCheck>(mm, "StageCheck")
      .def_readonly("stage", &StageCheck::stage)
      .def_readonly("local", &StageCheck::local)
      .def_readonly("end_to_end", &StageCheck::end_to_end)
      .def_property_readonly("local_passed", &StageCheck::local_pass)
      .def_property_readonly("end_to_end_passed", &StageCheck::end_to_end_pass);
  py::class_<PrecisionReport>(mm, "PrecisionReport", "A model run against its golden, per stage.")
      .def_readonly("title", &PrecisionReport::title)
      .def_readonly("stages", &PrecisionReport::stages)
      .def_property_readonly("first_diverging_stage", &PrecisionReport::first_diverging_stage)
      .def_property_readonly("passed", &PrecisionReport::pass)
      .def_property_readonly("end_to_end_passed", &PrecisionReport::end_to_end_pass)
      .def("__str__", [](const PrecisionReport& r) {
        std::ostringstream out;
        r.print(out);
        return out.str();
      });

  py::class_<PyModelRun>(mm, "ModelRun", "One model scope with its tensors (tilegraph.models.build).")
      .def(py::init([](const std::string& name, const std::string& config, std::int64_t batch, const std::string& preset,
                       const std::string& mode, const std::string& plant_bug, bool lint) {
             models::ModelOptions o;
             o.config = config;
             o.batch = batch;
             o.preset = preset;
             o.mode = mode;
             o.plant_bug = plant_bug;
             o.lint = lint ? Lint::On : Lint::Off;
             const auto& entry = models::find_model(name);
             PyModelRun r{name, nullptr, nullptr};
             {
               py::gil_scoped_release release;
               r.run = entry.make(o);
               r.graph = std::make_shared<Graph>(r.run->graph());
             }
             return r;
           }),
           py::arg("name"), py::arg("config") = "full", py::arg("batch") = 0, py::arg("preset") = "",
           py::arg("mode") = "", py::arg("plant_bug") = "", py::arg("lint") = true)
      .def_readonly("model", &PyModelRun::model)
      .def_readonly("graph", &PyModelRun::graph)
      .def("summary", [](const PyModelRun& r) { return r.run->summary(); })
      .def("generate_inputs", [](PyModelRun& r, std::uint64_t seed) { r.run->generate_inputs(seed); },
           py::arg("seed"), py::call_guard<py::gil_scoped_release>())
      .def("load_inputs", [](PyModelRun& r, const std::filesystem::path& dir) { r.run->load_inputs(dir); },
           py::arg("dir"), py::call_guard<py::gil_scoped_release>())
      .def("validate_inputs", [](const PyModelRun& r, bool allow_nonfinite) {
        r.run->validate_inputs({.allow_nonfinite = allow_nonfinite});
      }, py::arg("allow_nonfinite") = false)
      .def("inputs_bound", [](PyModelRun& r) { r.run->inputs_bound(); }, "Call after writing weights yourself.")
      .def("run", [](PyModelRun& r, py::object executor, double timeout_seconds) {
        Executor& e = cast_checked<Executor&>(executor, "run", "a tg.HostExecutor or tg.SimExecutor");
        timeout_seconds = checked_timeout(timeout_seconds, "ModelRun.run(timeout_seconds)");
        PyRunResult out{r.graph, py::none(), nullptr, false, std::nullopt};
        if (auto* sim = dynamic_cast<SimExecutor*>(&e)) {
          out.machine = sim->machine();
          KeepSimResult keep(*sim);
          {
            py::gil_scoped_release release;
            r.run->run(keep, timeout_seconds);
          }
          out.result = keep.kept;
          out.simulated = true;
          return out;
        }
        {
          py::gil_scoped_release release;
          out.result = std::make_shared<RunResult>(r.run->run(e, timeout_seconds));
        }
        return out;
      }, py::arg("executor"), py::arg("timeout_seconds") = 0.0,
         "Runs on a HostExecutor or SimExecutor, staging kept for check() and dump(); every run starts "
         "from the same caches.")
      .def("check", [](const PyModelRun& r) { return r.run->check(); }, py::call_guard<py::gil_scoped_release>())
      .def("dump", [](const PyModelRun& r, const std::filesystem::path& dir, std::optional<std::uint64_t> seed, bool force) {
        models::DumpManifest manifest;
        manifest.model = r.model;
        manifest.seed = seed;
        py::gil_scoped_release release;
        r.run->dump(dir, manifest, force);
      }, py::arg("dir"), py::arg("seed") = py::none(), py::arg("force") = false)
      .def("tensor", [](const PyModelRun& r, const std::string& name) { return tensor_array(r.run->tensor(name)); },
           py::arg("name"), "A tensor of the run (inputs, weights, caches, outputs; staging after run()) as numpy.")
      .def_property_readonly("tensor_names", [](const PyModelRun& r) {
        std::vector<std::string> names;
        for (const auto& [name, t] : r.run->tensors().all()) names.push_back(name);
        return names;
      });

  mm.def("names", [] {
    std::vector<std::string> r;
    for (const auto& e : models::model_registry()) r.push_back(e.name);
    return r;
  });
  mm.def("describe", [](const std::string& name) {
    const auto& e = models::find_model(name);
    return py::dict(py::arg("name") = e.name, py::arg("summary") = e.summary, py::arg("configs") = e.configs,
                    py::arg("bugs") = e.bugs);
  }, py::arg("name"));
}

}  // namespace tg::python
