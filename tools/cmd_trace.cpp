// tilegraph trace: runs a scope and writes pictures of the run. SCOPE is `demo` (a small
// built-in scope with real kernels) or a JSON scope file (kernels are not stored in the
// file, so its tasks run as no-ops). The host executor gives real timestamps; --machine
// simulates the scope on a modelled chip instead.
//   tilegraph trace demo --html run.html --perfetto run.json --dot graph.dot
//   tilegraph trace scope.json --machine a2a3 --strategy critical-path --html sim.html
//   tilegraph trace scope.json --machine a2a3 --capture sim/   (for tilegraph diff / import)
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>

#include "runtime/atomic_file.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "trace/capture_export.hpp"
#include "trace/dot.hpp"
#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"
#include "tools/checked_scope.hpp"
#include "tools/command.hpp"

namespace {

constexpr std::int64_t kRows = 64, kInner = 256, kCols = 512, kRowTile = 32, kColTile = 64, kNormBlocks = 8;

// Row scaling (SPMD), a tiled matrix product (cube), per-tile row sums (vector) and a host
// total: four stages, so the swimlane shows SPMD blocks, fan-out, fan-in and a host lane.
struct DemoScope {
  tg::Graph graph;
  tg::Tensor x, w;
};

DemoScope build_demo_scope() {
  tg::Scope s{"trace_demo"};
  auto x = s.input("x", {kRows, kInner}, tg::FP32);
  auto w = s.weight("w", {kInner, kCols}, tg::FP32);
  auto scaled = s.staging("scaled", {kRows, kInner}, tg::FP32);
  auto y = s.output("y", {kRows, kCols}, tg::FP32);
  auto sums = s.staging("row_sums", {kRows, kCols / kColTile}, tg::FP32);
  auto total = s.output("total", {1, 1}, tg::FP32);

  constexpr std::int64_t rows_per_block = kRows / kNormBlocks;
  s.vector("scale_rows", {tg::In(x), tg::Out(scaled)}, [](const tg::TaskContext& c) {
     for (std::int64_t r = c.block_idx() * rows_per_block; r < (c.block_idx() + 1) * rows_per_block; ++r)
       for (std::int64_t k = 0; k < kInner; ++k)
         c.view(1).at<float>({r, k}) = c.view(0).at<float>({r, k}) / static_cast<float>(1 + r);
   }).blocks(static_cast<int>(kNormBlocks)).cost({2.0 * rows_per_block * kInner, 8.0 * rows_per_block * kInner, 0, false});
  for (std::int64_t r0 = 0; r0 < kRows; r0 += kRowTile)
    for (std::int64_t c0 = 0; c0 < kCols; c0 += kColTile) {
      s.cube("matmul_tile", {tg::In(scaled.rows(r0, kRowTile)), tg::In(w.cols(c0, kColTile)), tg::Out(y.slice({r0, c0}, {kRowTile, kColTile}))},
             [](const tg::TaskContext& c) {
               const auto& a = c.view(0);
               const auto& b = c.view(1);
               const auto& out = c.view(2);
               for (std::int64_t i = 0; i < out.size(0); ++i) {
                 float* o = out.row<float>(i);
                 for (std::int64_t j = 0; j < out.size(1); ++j) o[j] = 0;
                 for (std::int64_t k = 0; k < a.size(1); ++k) {
                   const float aik = a.row<float>(i)[k];
                   const float* bk = b.row<float>(k);
                   for (std::int64_t j = 0; j < out.size(1); ++j) o[j] += aik * bk[j];
                 }
               }
             })
          .cost({2.0 * kRowTile * kInner * kColTile, 4.0 * (kRowTile * kInner + kInner * kColTile + kRowTile * kColTile), 0, false});
      s.vector("tile_row_sum", {tg::In(y.slice({r0, c0}, {kRowTile, kColTile})), tg::Out(sums.slice({r0, c0 / kColTile}, {kRowTile, 1}))},
               [](const tg::TaskContext& c) {
                 for (std::int64_t i = 0; i < c.view(0).size(0); ++i) {
                   float acc = 0;
                   for (std::int64_t j = 0; j < c.view(0).size(1); ++j) acc += c.view(0).at<float>({i, j});
                   c.view(1).at<float>({i, 0}) = acc;
                 }
               })
          .cost({1.0 * kRowTile * kColTile, 4.0 * kRowTile * kColTile, 0, false});
    }
  s.host("total", {tg::In(sums), tg::Out(total)}, [](const tg::TaskContext& c) {
    double acc = 0;
    for (std::int64_t i = 0; i < c.view(0).size(0); ++i)
      for (std::int64_t j = 0; j < c.view(0).size(1); ++j) acc += c.view(0).at<float>({i, j});
    c.view(1).at<float>({0, 0}) = static_cast<float>(acc);
  }).cost({1.0 * kRows * kCols / kColTile, 4.0 * kRows * kCols / kColTile, 0, false});
  DemoScope demo{s.finalize(), tg::Tensor("x", tg::FP32, {kRows, kInner}), tg::Tensor("w", tg::FP32, {kInner, kCols})};

  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (const auto* t : {&demo.x, &demo.w}) {
    float* p = t->data_as<float>();
    for (std::int64_t i = 0; i < t->numel(); ++i) p[i] = dist(rng);
  }
  return demo;
}

struct TraceArgs {
  std::string scope;
  std::string html, perfetto, dot, capture;
  std::string machine, strategy = "fifo";
  int threads = 0;
  bool allow_hazards = false;
};

void report_file(const std::string& what, const std::string& path) {
  std::cout << "wrote " << what << " " << path << " (" << std::filesystem::file_size(path) << " bytes)\n";
}

int run_trace(const TraceArgs& a) {
  if (a.html.empty() && a.perfetto.empty() && a.dot.empty() && a.capture.empty())
    throw tg::ConfigError("tilegraph trace: nothing to write; give --html FILE, --perfetto FILE, --dot FILE and/or --capture DIR");
  std::optional<DemoScope> demo;
  std::optional<tg::Graph> from_file;
  if (a.scope == "demo") {
    demo = build_demo_scope();
  } else {
    from_file = tg::cli::read_checked_scope(a.scope, a.allow_hazards, std::cout);
    if (!from_file) return 1;
  }
  const tg::Graph& graph = demo ? demo->graph : *from_file;
  graph.verify();
  std::optional<tg::Bindings> memory;
  if (demo) memory.emplace(graph.bind({{"x", demo->x}, {"w", demo->w}}));
  tg::Timeline timeline;
  if (a.machine.empty()) {
    if (a.scope != "demo") std::cout << "note: tasks read from a JSON scope have no kernels; they run as no-ops\n";
    tg::HostExecutor executor(a.threads);
    timeline = (memory ? executor.run(graph, *memory) : executor.run(graph)).timeline;
  } else {
    tg::SimOptions options;
    options.strategy = a.strategy;
    const tg::Machine machine = tg::load_machine(a.machine);
    tg::cli::check_fits_machine(graph, machine);
    timeline = tg::SimExecutor(machine, options).simulate(graph).timeline;
  }
  std::cout << "scope '" << graph.name() << "': " << graph.num_tasks() << " tasks, " << timeline.rows().size()
            << " rows on " << timeline.source << ", makespan " << static_cast<double>(timeline.makespan_ns) / 1000.0 << " us\n";
  if (!a.html.empty()) {
    tg::write_stream_atomically(a.html, [&](std::ostream& out) { tg::write_html_swimlane(graph, timeline, out); });
    report_file("swimlane", a.html);
  }
  if (!a.perfetto.empty()) {
    tg::write_stream_atomically(a.perfetto, [&](std::ostream& out) { tg::write_perfetto_trace(graph, timeline, out); });
    report_file("Perfetto trace (open in ui.perfetto.dev)", a.perfetto);
  }
  if (!a.dot.empty()) {
    tg::write_stream_atomically(a.dot, [&](std::ostream& out) { tg::write_dot(graph, out); });
    report_file("DOT graph", a.dot);
  }
  if (!a.capture.empty()) {
    tg::write_capture(graph, timeline, a.capture);
    std::cout << "wrote capture folder " << a.capture << " (tilegraph import / diff read it)\n";
  }
  return 0;
}

tg::cli::CommandRegistration trace_command{"trace", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("trace", "Run a scope (host executor, or --machine to simulate) and write its swimlane / trace / graph");
  auto args = std::make_shared<TraceArgs>();
  cmd->add_option("scope", args->scope, "`demo` (built-in scope) or a JSON scope file")->required();
  cmd->add_option("--html", args->html, "self-contained HTML swimlane to write")
      ->check(tg::cli::output_file("a file name for the HTML swimlane"));
  cmd->add_option("--perfetto", args->perfetto, "Chrome/Perfetto trace JSON to write")
      ->check(tg::cli::output_file("a file name for the Perfetto JSON"));
  cmd->add_option("--dot", args->dot, "Graphviz DOT of the graph to write")
      ->check(tg::cli::output_file("a file name for the DOT graph"));
  cmd->add_option("--capture", args->capture, "write the run as a device capture folder (docs/calibration.md)")
      ->check(tg::cli::output_folder("a folder for the capture"));
  auto* threads = cmd->add_option("--threads", args->threads, "host executor threads (0 = all cores)")
                      ->check(tg::cli::threads_in_range());
  auto* machine = cmd->add_option("--machine", args->machine, "simulate on this machine preset or JSON file instead of running on the host")
      ->check(tg::cli::non_empty_value("a machine preset (a2a3, a5, host) or a machine .json file"));
  cmd->add_option("--strategy", args->strategy, "dispatch strategy for --machine")
      ->check(CLI::IsMember(tg::strategy_names()))
      ->needs(machine)
      ->capture_default_str();
  threads->excludes(machine);
  cmd->add_flag("--allow-hazards", args->allow_hazards, "run a graph with lint errors anyway (the lint report is printed)");
  cmd->callback([&exit_code, args] { exit_code = run_trace(*args); });
}};

}  // namespace
