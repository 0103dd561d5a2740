// tilegraph demo: the first thing README runs. Builds a small tiled scope (row scaling,
// then a tiled matrix product into column tiles), runs it on the host executor, and checks
// the result against a plain loop.
#include <spdlog/spdlog.h>

#include <cmath>
#include <iostream>
#include <random>

#include "runtime/bf16.hpp"
#include "runtime/topology.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/scope.hpp"
#include "tools/command.hpp"

namespace {

int run_demo(int threads) {
  std::cout << tg::detect_host_topology().summary() << "\n";
  constexpr std::int64_t kRows = 16, kInner = 256, kCols = 512, kTile = 64;
  tg::Scope s{"demo_scope"};
  auto x = s.input("x", {kRows, kInner}, tg::FP32);
  auto w = s.weight("w", {kInner, kCols}, tg::FP32);
  auto scaled = s.staging("scaled", {kRows, kInner}, tg::FP32);
  auto y = s.output("y", {kRows, kCols}, tg::FP32);

  // Stage 1: each SPMD block scales one row by 1 / (1 + row index).
  s.vector("scale_rows", {tg::In(x), tg::Out(scaled)}, [](const tg::TaskContext& c) {
     const auto r = c.block_idx();
     for (std::int64_t k = 0; k < kInner; ++k)
       c.view(1).at<float>({r, k}) = c.view(0).at<float>({r, k}) / static_cast<float>(1 + r);
   }).blocks(static_cast<int>(kRows));
  // Stage 2: one cube task per output column tile; tiles are independent.
  for (std::int64_t c0 = 0; c0 < kCols; c0 += kTile) {
    s.cube("matmul_tile", {tg::In(scaled), tg::In(w.cols(c0, kTile)), tg::Out(y.cols(c0, kTile))},
           [](const tg::TaskContext& c) {
             const auto& a = c.view(0);
             const auto& b = c.view(1);
             const auto& out = c.view(2);
             for (std::int64_t i = 0; i < out.size(0); ++i)
               for (std::int64_t j = 0; j < out.size(1); ++j) {
                 float acc = 0;
                 for (std::int64_t k = 0; k < a.size(1); ++k) acc += a.at<float>({i, k}) * b.at<float>({k, j});
                 out.at<float>({i, j}) = acc;
               }
           })
        .cost({2.0 * kRows * kInner * kTile, 4.0 * (kInner * kTile + kRows * kTile), 0, false});
  }
  auto graph = s.finalize();
  graph.verify();

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (auto* buf : {&graph.buffer("x"), &graph.buffer("w")}) {
    float* p = buf->data_as<float>();
    for (std::int64_t i = 0; i < buf->numel(); ++i) p[i] = dist(rng);
  }
  tg::HostExecutor executor(threads);
  const auto timeline = executor.run(graph);

  // Independent check: a plain fp64 loop over the same inputs.
  const float* xp = graph.buffer("x").data_as<float>();
  const float* wp = graph.buffer("w").data_as<float>();
  const float* yp = graph.buffer("y").data_as<float>();
  double max_err = 0;
  for (std::int64_t i = 0; i < kRows; ++i)
    for (std::int64_t j = 0; j < kCols; ++j) {
      double ref = 0;
      for (std::int64_t k = 0; k < kInner; ++k) ref += static_cast<double>(xp[i * kInner + k]) / (1.0 + static_cast<double>(i)) * wp[k * kCols + j];
      max_err = std::max(max_err, std::abs(ref - yp[i * kCols + j]));
    }
  std::cout << "scope '" << graph.name() << "': " << graph.num_tasks() << " tasks, " << graph.edges().size()
            << " edges, ran on " << executor.threads() << " threads in " << timeline.makespan_ns / 1000.0
            << " us; max |error| vs fp64 loop = " << max_err << "\n";
  const bool ok = max_err < 1e-3;
  std::cout << (ok ? "demo: PASS\n" : "demo: FAIL\n");
  return ok ? 0 : 1;
}

tg::cli::CommandRegistration demo_command{"demo", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "Build, run and check a small scope on the host executor");
  auto threads = std::make_shared<int>(0);
  cmd->add_option("--threads", *threads, "host threads (0 = all cores)");
  cmd->callback([&exit_code, threads] { exit_code = run_demo(*threads); });
}};

}  // namespace
