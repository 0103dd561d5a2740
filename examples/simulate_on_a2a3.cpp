// Simulate a scope on the modelled a2a3 chip: a decode-like step (SPMD RMSNorm over the
// batch rows, then cube projections tiled over columns, then a vector epilogue), timed by
// the discrete-event SimExecutor and analysed. With functional = true the kernels also
// run on the host, so the output is real and checked against a plain loop.
#include <cmath>
#include <iostream>

#include "runtime/machine.hpp"
#include "trace/schedule_analysis.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/scope.hpp"

int main() {
  constexpr std::int64_t kBatch = 8, kHidden = 256, kOut = 512, kTile = 64;
  tg::Scope s{"decode_step"};
  auto x = s.input("hidden_states", {kBatch, kHidden}, tg::FP32);
  auto w = s.weight("w_proj", {kHidden, kOut}, tg::FP32);
  auto normed = s.staging("normed", {kBatch, kHidden}, tg::FP32);
  auto proj = s.staging("proj", {kBatch, kOut}, tg::FP32);
  auto y = s.output("y", {kBatch, kOut}, tg::FP32);

  // One block per batch row: scale the row to unit RMS.
  s.vector("rmsnorm", {tg::In(x), tg::Out(normed)}, [](const tg::TaskContext& c) {
     const auto r = c.block_idx();
     double sum = 0;
     for (std::int64_t k = 0; k < kHidden; ++k) sum += double(c.view(0).at<float>({r, k})) * c.view(0).at<float>({r, k});
     const float inv = static_cast<float>(1.0 / std::sqrt(sum / kHidden + 1e-6));
     for (std::int64_t k = 0; k < kHidden; ++k) c.view(1).at<float>({r, k}) = c.view(0).at<float>({r, k}) * inv;
   })
      .blocks(kBatch)
      .cost({4.0 * kHidden, 8.0 * kHidden, 4 * 2 * kHidden, false});
  // Cube tiles over output columns: 8 rows per tile, padded to 16 on the cube.
  for (std::int64_t c0 = 0; c0 < kOut; c0 += kTile) {
    s.cube("proj", {tg::In(normed), tg::In(w.cols(c0, kTile)), tg::Out(proj.cols(c0, kTile))},
           [](const tg::TaskContext& c) {
             for (std::int64_t i = 0; i < c.view(2).size(0); ++i)
               for (std::int64_t j = 0; j < c.view(2).size(1); ++j) {
                 float acc = 0;
                 for (std::int64_t k = 0; k < kHidden; ++k) acc += c.view(0).at<float>({i, k}) * c.view(1).at<float>({k, j});
                 c.view(2).at<float>({i, j}) = acc;
               }
           })
        .cost({2.0 * kBatch * kHidden * kTile, 4.0 * (kBatch * kHidden + kHidden * kTile + kBatch * kTile), 0, false});
  }
  s.vector("relu", {tg::In(proj), tg::Out(y)}, [](const tg::TaskContext& c) {
     const auto r = c.block_idx();
     for (std::int64_t j = 0; j < kOut; ++j) c.view(1).at<float>({r, j}) = std::max(0.0f, c.view(0).at<float>({r, j}));
   })
      .blocks(kBatch)
      .cost({1.0 * kOut, 8.0 * kOut, 8 * kOut, false});
  auto graph = s.finalize();

  tg::Tensor hidden("hidden_states", tg::FP32, {kBatch, kHidden}), w_proj("w_proj", tg::FP32, {kHidden, kOut});
  float* xp = hidden.data_as<float>();
  float* wp = w_proj.data_as<float>();
  for (std::int64_t i = 0; i < kBatch * kHidden; ++i) xp[i] = static_cast<float>((i * 37) % 17) / 17.0f - 0.5f;
  for (std::int64_t i = 0; i < kHidden * kOut; ++i) wp[i] = static_cast<float>((i * 11) % 13) / 13.0f - 0.5f;

  const tg::Machine machine = tg::load_machine("a2a3");
  std::cout << machine.summary();
  tg::SimOptions options;
  options.strategy = "critical-path";
  // Given Bindings, the simulated run is also functional: the kernels run in simulated order.
  tg::Bindings memory = graph.bind({{"hidden_states", hidden}, {"w_proj", w_proj}});
  const tg::SimResult result = tg::SimExecutor{machine, options}.simulate(graph, memory);
  std::cout << tg::format_analysis(tg::analyze_schedule(graph, result.timeline, &machine));
  std::cout << "peak staging: " << result.peak_staging_bytes_last_use << " B at last use, "
            << result.peak_staging_bytes_scope_exit << " B to scope exit\n";

  // Independent check of the functional run: fp64 loops.
  const float* yp = result.output("y").data_as<float>();
  double max_err = 0;
  for (std::int64_t i = 0; i < kBatch; ++i) {
    double sum = 0;
    for (std::int64_t k = 0; k < kHidden; ++k) sum += double(xp[i * kHidden + k]) * xp[i * kHidden + k];
    const double inv = 1.0 / std::sqrt(sum / kHidden + 1e-6);
    for (std::int64_t j = 0; j < kOut; ++j) {
      double acc = 0;
      for (std::int64_t k = 0; k < kHidden; ++k) acc += xp[i * kHidden + k] * inv * wp[k * kOut + j];
      max_err = std::max(max_err, std::abs(std::max(0.0, acc) - yp[i * kOut + j]));
    }
  }
  std::cout << "max |error| of the functional run vs fp64 loops: " << max_err << "\n";
  return max_err < 1e-3 ? 0 : 1;
}
