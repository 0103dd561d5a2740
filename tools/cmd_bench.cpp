// tilegraph bench MODEL: build the scope once, bind its inputs once (weights packed there, for
// a host tiling), run it W + R times on the HostExecutor and print min / median / max ms per
// scope, the roofline bound from this machine's probed limits and the fraction of it reached,
// kernel time per stage and the scheduling overhead. --format json prints one object.
//   bound = max(cube and MIX flops / (matmul peak of the active kernel path x threads),
//               (input + weight bytes read once + output bytes written once) / STREAM triad)
// InOut caches are not counted: a decode scope touches only the rows it writes.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <vector>

#include "bench/kernels/machine_limits.hpp"
#include "kernels/cpu_path.hpp"
#include "models/common/registry.hpp"
#include "scheduler/host_executor.hpp"
#include "tools/command.hpp"
#include "tools/model_options.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct BenchRequest {
  std::string model;
  tg::models::ModelOptions options;
  int threads = 0;
  int reps = 10;
  int warmup = 2;
  std::string format = "text";
};

// The scope's compulsory work: cube and MIX flops (bf16 and int8 apart; a MIX task is a matmul
// with its vector epilogue, e.g. V4's dequantizing projections and the attention) and bytes
// moved once.
struct Work {
  double bf16_flops = 0, int8_ops = 0, bytes = 0;
};

Work work_of(const tg::Graph& graph) {
  Work w;
  for (const auto& task : graph.tasks()) {
    if ((task.kind != tg::TaskKind::Cube && task.kind != tg::TaskKind::Mix) || !task.cost) continue;
    (task.cost->int8 ? w.int8_ops : w.bf16_flops) += task.cost->flops * task.block_num;
  }
  for (const auto& buffer : graph.buffers()) {
    const auto role = buffer->role();
    if (role == tg::Role::Input || role == tg::Role::Weight || role == tg::Role::Output)
      w.bytes += static_cast<double>(tg::numel_of(buffer->shape()) * static_cast<std::int64_t>(tg::size_of(buffer->dtype())));
  }
  return w;
}

double percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double at = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(at);
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (at - static_cast<double>(lo));
}

int bench_model(const BenchRequest& request, std::ostream& out) {
  const auto& entry = tg::models::find_model(request.model);
  tg::cli::check_model_options(entry, request.options);
  const auto build0 = Clock::now();
  auto run = entry.make(request.options);
  const double build_ms = std::chrono::duration<double, std::milli>(Clock::now() - build0).count();
  run->generate_inputs(1);  // binds once; a host tiling packs its weights here
  run->validate_inputs();
  const int threads = request.threads > 0 ? request.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  tg::HostExecutor executor(threads);
  const auto& limits = tg::bench::machine_limits();
  const auto path = tg::kernels::active_cpu_path();

  const bool progress = isatty(STDERR_FILENO) != 0;
  const auto start = Clock::now();
  std::vector<double> scope_ms;
  std::map<std::string, double> stage_ms;  // summed over blocks, mean per timed run
  std::vector<std::string> stage_order;
  double kernel_ms = 0;
  for (int i = 0; i < request.warmup + request.reps; ++i) {
    const auto t0 = Clock::now();
    const auto result = executor.run(run->graph(), run->bindings());
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (progress && std::chrono::duration<double>(Clock::now() - start).count() > 1.0)
      std::fprintf(stderr, "\rbench %s: run %d of %d", request.model.c_str(), i + 1, request.warmup + request.reps);
    if (i < request.warmup) continue;
    scope_ms.push_back(ms);
    for (const auto& row : result.timeline.rows()) {
      const auto& name = run->graph().task(row.task).name;
      const double row_ms = static_cast<double>(row.end_ns - row.start_ns) / 1e6;
      if (!stage_ms.count(name)) stage_order.push_back(name);
      stage_ms[name] += row_ms / request.reps;
      kernel_ms += row_ms / request.reps;
    }
  }
  if (progress && std::chrono::duration<double>(Clock::now() - start).count() > 1.0) std::fprintf(stderr, "\r\033[K");

  const Work w = work_of(run->graph());
  const double bf16_peak = limits.matmul_peak_gops(path, false) * 1e9, int8_peak = limits.matmul_peak_gops(path, true) * 1e9;
  double compute_s = 0;
  if (w.bf16_flops > 0 && bf16_peak > 0) compute_s += w.bf16_flops / (bf16_peak * threads);
  if (w.int8_ops > 0 && int8_peak > 0) compute_s += w.int8_ops / (int8_peak * threads);
  const double stream = limits.triad_gbs(threads) * 1e9;
  const double memory_s = stream > 0 ? w.bytes / stream : 0;
  const double bound_ms = std::max(compute_s, memory_s) * 1e3;
  const double min_ms = *std::min_element(scope_ms.begin(), scope_ms.end());
  const double max_ms = *std::max_element(scope_ms.begin(), scope_ms.end());
  const double median_ms = percentile(scope_ms, 0.5);
  const double fraction = bound_ms / median_ms;
  const double sched_pct = 100.0 * (median_ms - kernel_ms / threads) / median_ms;
  const char* binding = compute_s >= memory_s ? "compute" : "memory";
  const auto isa = std::string(tg::kernels::name_of(path));

  if (request.format == "json") {
    std::string stages;
    for (const auto& name : stage_order) stages += fmt::format("{}\"{}\": {:.4f}", stages.empty() ? "" : ", ", name, stage_ms[name]);
    out << fmt::format(
        "{{\"model\": \"{}\", \"summary\": \"{}\", \"threads\": {}, \"isa\": \"{}\", \"reps\": {}, \"warmup\": {}, "
        "\"min_ms\": {:.4f}, \"median_ms\": {:.4f}, \"max_ms\": {:.4f}, \"bound_ms\": {:.4f}, \"bound\": \"{}\", "
        "\"roofline_fraction\": {:.4f}, \"sched_overhead_pct\": {:.2f}, \"build_ms\": {:.2f}, \"pack_ms\": {:.2f}, "
        "\"gflop\": {:.4f}, \"bytes\": {:.0f}, \"peak_gflops_per_thread\": {:.2f}, \"stream_gbs\": {:.2f}, "
        "\"stage_kernel_ms\": {{{}}}}}\n",
        request.model, run->summary(), threads, isa, request.reps, request.warmup, min_ms, median_ms, max_ms, bound_ms,
        binding, fraction, sched_pct, build_ms, run->packing_ms(), (w.bf16_flops + w.int8_ops) / 1e9, w.bytes,
        bf16_peak / 1e9, stream / 1e9, stages);
    return 0;
  }
  out << run->summary() << "\n";
  out << fmt::format("host executor: {} threads, kernels: {} path; built in {:.1f} ms, weights packed in {:.1f} ms "
                     "(once, not in the figures below)\n",
                     threads, isa, build_ms, run->packing_ms());
  out << fmt::format("per scope ({} runs after {} warm-up): min {:.3f} ms, median {:.3f} ms, max {:.3f} ms\n", request.reps,
                     request.warmup, min_ms, median_ms, max_ms);
  std::string compute;
  if (w.bf16_flops > 0 || w.int8_ops == 0) compute = fmt::format("{:.3f} GFLOP at {:.1f} GFLOP/s", w.bf16_flops / 1e9, bf16_peak / 1e9);
  if (w.int8_ops > 0)
    compute += fmt::format("{}{:.3f} int8 Gop at {:.1f} Gop/s", compute.empty() ? "" : " + ", w.int8_ops / 1e9, int8_peak / 1e9);
  out << fmt::format("roofline: bound {:.3f} ms ({}-bound: {} x {} threads, {:.1f} MB at {:.1f} GB/s); fraction {:.2f} "
                     "of the bound (median)\n",
                     bound_ms, binding, compute, threads, w.bytes / 1e6, stream / 1e9, fraction);
  out << "kernel time per stage (ms per run, summed over blocks):";
  for (const auto& name : stage_order) out << fmt::format(" {} {:.3f};", name, stage_ms[name]);
  out << "\n";
  out << fmt::format("scheduling overhead: {:.1f}% of the median (median - kernel time / threads)\n", sched_pct);
  return 0;
}

tg::cli::CommandRegistration bench_command{"bench", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("bench", "Time a model scope on the host executor against this machine's roofline");
  cmd->footer("the scope is built once and its inputs bound once (seed 1); W warm-up runs, then R timed runs; the "
              "bound comes from limits probed in this process (fp32 FMA / int8 dot peaks, STREAM triad)\n"
              "exit code: 0 on success, 2 for bad options or configs, 3 for a failure while running (docs/cli.md)");
  auto request = std::make_shared<BenchRequest>();
  cmd->add_option("model", request->model, "model name (tilegraph run --help lists them)")->required();
  cmd->add_option("--config", request->options.config, "small | full")->check(tg::cli::non_empty_value("small or full"))->capture_default_str();
  cmd->add_option("--preset", request->options.preset, "model preset, where the model has them (V4: flash | pro)")
      ->check(tg::cli::non_empty_value("a preset of the model (V4: flash or pro)"));
  cmd->add_option("--mode", request->options.mode, "model mode (V3.2: staged | fused | host | host-fused; V4 qkv: decode | prefill | host-decode | host-prefill; V4 SWA: decode | host)")
      ->check(tg::cli::non_empty_value("a mode of the model (tilegraph run --help lists each model's)"));
  cmd->add_option("--threads", request->threads, "host threads (0 = all cores)")->check(tg::cli::threads_in_range());
  cmd->add_option("--reps", request->reps, "timed runs")->check(tg::cli::integer_in(1, 1000000))->capture_default_str();
  cmd->add_option("--warmup", request->warmup, "untimed runs first")->check(tg::cli::integer_in(0, 1000000))->capture_default_str();
  cmd->add_option("--format", request->format, "output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->callback([&exit_code, request] { exit_code = bench_model(*request, std::cout); });
}};

}  // namespace
