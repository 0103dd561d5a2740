// Fitting a Machine to measured runs (trace/calibrate/fit.hpp). The "measurements" are
// simulations on a known preset (deterministic, no clock read): the fit must give its
// parameters back. Tolerances: latencies within 1 ns (the fit rounds medians to whole ns),
// rates within 0.5% (each simulated block duration is rounded to a whole ns).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <memory>

#include "../scheduler/sim_test_machine.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/scope.hpp"
#include "trace/calibrate/fit.hpp"
#include "trace/calibrate/micro_graphs.hpp"
#include "trace/capture_export.hpp"
#include "trace/capture_import.hpp"

namespace tg {
namespace {

// The preset the synthetic measurements come from: every figure different from the base.
Machine known_machine() {
  Machine m = testing::hand_machine(2, 1);
  m.name = "known";
  m.cube_bf16_flops_per_s = 8e10;
  m.cube_int8_ops_per_s = 1.6e11;
  m.vector_flops_per_s = 5e9;
  m.host_flops_per_s = 3e9;
  m.gm_bytes_per_s_per_core = 1e13;  // compute-bound: the rates are what the durations say
  m.hbm_bytes_per_s = 1e14;
  m.host_bytes_per_s = 1e13;
  m.cube_m_box_rows = 1;
  m.orchestrator_submit_ns = 120;
  m.dispatch_ns = 310;
  m.pickup_ns = 740;
  m.fin_detect_ns = 450;
  m.kernel_overhead_ns = 1500;
  return m;
}

// What the fit starts from: the test machine's shape, the known preset's cube box (the fit
// pads cube flops as the machine it fits would).
Machine base_machine() {
  Machine m = testing::hand_machine(2, 1);
  m.cube_m_box_rows = 1;
  m.hbm_bytes_per_s = 1e14;
  return m;
}

// Costed tasks of each rate: cube (bf16 and int8), vector and host, a range of sizes.
Graph costed_graph() {
  Scope s{"costed"};
  auto cells = s.inout("cells", {64, 1}, FP32);
  int i = 0;
  for (int size = 1; size <= 8; ++size) {
    const double work = 1e5 * size;
    s.cube("gemm", {Out(cells.rows(i++, 1))}).cost({work * 20, work, 0, false});
    s.cube("gemm_int8", {Out(cells.rows(i++, 1))}).cost({work * 40, work, 0, true});
    s.vector("norm", {Out(cells.rows(i++, 1))}).cost({work, work, 0, false}).blocks(size);
    s.host("reduce", {Out(cells.rows(i++, 1))}).cost({work, work, 0, false});
  }
  return s.finalize({.lint = Lint::Off});
}

struct Runs {
  std::vector<std::unique_ptr<Graph>> graphs;
  std::vector<std::unique_ptr<Timeline>> timelines;
  std::vector<CalibrationRun> runs;
};

Runs simulate_runs(const Machine& m) {
  Runs out;
  std::vector<MicroGraph> graphs = empty_micro_graphs(24);
  graphs.push_back(MicroGraph{"costed", costed_graph()});
  for (MicroGraph& mg : graphs) {
    out.graphs.push_back(std::make_unique<Graph>(std::move(mg.graph)));
    out.timelines.push_back(std::make_unique<Timeline>(SimExecutor(m).simulate(*out.graphs.back()).timeline));
    out.runs.push_back(CalibrationRun{mg.label, out.graphs.back().get(), out.timelines.back().get(), {}, {}});
  }
  return out;
}

void expect_recovered(const Machine& fitted, const Machine& known) {
  EXPECT_NEAR(fitted.kernel_overhead_ns, known.kernel_overhead_ns, 1);
  EXPECT_NEAR(fitted.dispatch_ns, known.dispatch_ns, 1);
  EXPECT_NEAR(fitted.pickup_ns, known.pickup_ns, 1);
  EXPECT_NEAR(fitted.fin_detect_ns, known.fin_detect_ns, 1);
  EXPECT_NEAR(fitted.orchestrator_submit_ns, known.orchestrator_submit_ns, 1);
  EXPECT_NEAR(fitted.cube_bf16_flops_per_s / known.cube_bf16_flops_per_s, 1.0, 0.005);
  EXPECT_NEAR(fitted.cube_int8_ops_per_s / known.cube_int8_ops_per_s, 1.0, 0.005);
  EXPECT_NEAR(fitted.vector_flops_per_s / known.vector_flops_per_s, 1.0, 0.005);
  EXPECT_NEAR(fitted.host_flops_per_s / known.host_flops_per_s, 1.0, 0.005);
}

TEST(CalibrateFit, RecoversAKnownPresetFromItsSimulations) {
  const Machine known = known_machine();
  const Runs runs = simulate_runs(known);
  const MachineFit fit = fit_machine(base_machine(), runs.runs);
  expect_recovered(fit.machine, known);
  EXPECT_EQ(fit.runs.size(), runs.runs.size());
  // Per-kernel rates: the vector kernel's is the vector rate.
  bool norm = false;
  for (const KernelRate& k : fit.kernels)
    if (k.kernel == "norm") {
      norm = true;
      EXPECT_NEAR(k.flops_per_s / known.vector_flops_per_s, 1.0, 0.005);
    }
  EXPECT_TRUE(norm);
}

TEST(CalibrateFit, RecoversItFromCapturesToo) {
  // The same simulations through the capture format: what a device owner's files look like.
  const Machine known = known_machine();
  const Runs sims = simulate_runs(known);
  std::vector<ImportedCapture> captures;
  for (const CalibrationRun& run : sims.runs) {
    const CaptureTexts texts = capture_texts(*run.graph, *run.timeline);
    captures.push_back(parse_capture(CaptureFiles{run.label, texts.records, texts.deps, texts.name_map}));
  }
  std::vector<CalibrationRun> runs;
  for (std::size_t i = 0; i < captures.size(); ++i) {
    // deps.json has no cost hints: the fit reads them from the graph the capture ran.
    runs.push_back(CalibrationRun{sims.runs[i].label, sims.runs[i].graph, &captures[i].timeline,
                                  captures[i].scheduler_phases, captures[i].submits});
  }
  const MachineFit fit = fit_machine(base_machine(), runs);
  // Capture times are whole cycles of 20 ns: latencies within one tick, rates within 2%.
  EXPECT_NEAR(fit.machine.kernel_overhead_ns, known.kernel_overhead_ns, 20);
  EXPECT_NEAR(fit.machine.dispatch_ns, known.dispatch_ns, 20);
  EXPECT_NEAR(fit.machine.pickup_ns, known.pickup_ns, 20);
  EXPECT_NEAR(fit.machine.fin_detect_ns, known.fin_detect_ns, 20);
  EXPECT_NEAR(fit.machine.orchestrator_submit_ns, known.orchestrator_submit_ns, 20);
  EXPECT_NEAR(fit.machine.vector_flops_per_s / known.vector_flops_per_s, 1.0, 0.02);
  EXPECT_NEAR(fit.machine.cube_bf16_flops_per_s / known.cube_bf16_flops_per_s, 1.0, 0.02);
}

TEST(CalibrateFit, ThePresetFileReadsBackAsTheFittedMachine) {
  const Machine known = known_machine();
  const Runs runs = simulate_runs(known);
  const MachineFit fit = fit_machine(base_machine(), runs.runs);
  const std::string text = fitted_machine_json(fit, "simulated on 'known'");
  const Machine back = parse_machine_json(text, "fitted.json");
  expect_recovered(back, known);
  EXPECT_EQ(back.core_groups, fit.machine.core_groups);
  const auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc["fitted_on"]["note"], "simulated on 'known'");
  EXPECT_EQ(doc["fitted_on"]["runs"].size(), runs.runs.size());
  EXPECT_FALSE(doc["fitted_on"]["parameters"].empty());
}

TEST(CalibrateFit, NoRowsIsAnError) {
  Graph g = empty_micro_graphs(4).front().graph;
  Timeline empty;
  EXPECT_THROW((void)fit_machine(base_machine(), {CalibrationRun{"nothing", &g, &empty, {}, {}}}), ConfigError);
}

}  // namespace
}  // namespace tg
