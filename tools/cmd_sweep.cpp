// tilegraph sweep MODEL: build a model scope for every combination of tile values, refuse
// those its config validation or the capacity rule refuses (with the reason), simulate the
// rest (or run them on the host executor) and print them best first, e.g.
//   tilegraph sweep v4-qkv-proj-rope --config small --set q_lora_tile=64,128,256 --set kv_tile=32,64,128
//   tilegraph sweep v4-qkv-proj-rope --set t_tile=8,16 --strategy all --jitter 1 --seeds 5 --html sweep.html
//   tilegraph sweep v32-decode-scope1 --config small --mode host --set host_q_out_tile=96,192 --host --reps 5
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "models/common/registry.hpp"
#include "runtime/atomic_file.hpp"
#include "scheduler/strategy.hpp"
#include "tools/command.hpp"
#include "tools/model_options.hpp"
#include "tuning/sweep/sweep_host.hpp"
#include "tuning/sweep/sweep_html.hpp"
#include "tuning/sweep/sweep_report.hpp"
#include "tuning/sweep/sweep_sim.hpp"
#include "tuning/sweep/tile_use.hpp"

namespace {

constexpr std::uint64_t kMaxBatch = 4096;  // as `tilegraph run`
constexpr int kMaxSeeds = 100;             // jittered runs per combination and strategy
constexpr int kMaxReps = 1000;             // timed host runs per combination

struct SweepArgs {
  tg::tuning::SweepRequest request;
  std::vector<std::string> sets;
  bool list_tiles = false;
  std::string machine = "a2a3";
  std::string strategy = "fifo";
  std::optional<std::uint64_t> jitter;
  int seeds = 10;
  bool host = false;
  int threads = 0;
  int reps = 5;
  std::string format = "text";
  std::string html;
};

// The model's tile parameters at the chosen --config / --mode, with the --set values where
// given, and whether the chosen tiling uses each (tuning/sweep/tile_use.hpp).
void print_tiles(const SweepArgs& a, const std::vector<tg::models::TileParam>& params, std::ostream& out) {
  const auto& entry = tg::models::find_model(a.request.model);
  const auto& options = a.request.options;
  out << "tile parameters of " << a.request.model << " at " << tg::tuning::mode_text(entry, options)
      << " (--set NAME=v1,v2,...):\n";
  std::size_t name_width = 0, form_width = 0, value_width = 7;
  std::vector<std::string> values;
  for (const auto& p : params) {
    name_width = std::max(name_width, p.name.size());
    form_width = std::max(form_width, p.form_text().size());
    std::string shown = std::to_string(p.value);
    for (const auto& axis : a.request.axes)
      if (axis.name == p.name) {
        shown.clear();
        for (const auto v : axis.values) shown += (shown.empty() ? "" : ",") + std::to_string(v);
      }
    value_width = std::max(value_width, shown.size());
    values.push_back(shown);
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    std::string use;
    if (!tg::tuning::tile_acts(entry, options, p.name, {})) {
      const auto modes = tg::tuning::modes_using(entry, options, p.name, {});
      std::string list;
      for (const auto& m : modes) list += (list.empty() ? "" : ", ") + m;
      use = modes.empty() ? "  [a kernel's inner tile: the simulator does not see it; sweep it with --host]"
                          : "  [not used here; a tile of --mode " + list + "]";
    }
    out << fmt::format("  {:<{}}  {:>{}}  {:<{}}  {}{}\n", p.name, name_width, values[i], value_width, p.form_text(), form_width,
                       p.meaning, use);
  }
}

int run_sweep(SweepArgs& a) {
  const auto& entry = tg::models::find_model(a.request.model);
  tg::cli::check_model_options(entry, a.request.options);
  if (!entry.tiles) throw tg::cli::UsageError(a.request.model + " exposes no tile parameters to sweep");
  const auto params = entry.tiles(a.request.options);
  if (a.list_tiles) {
    if (!a.sets.empty()) a.request.axes = tg::tuning::parse_axes(a.sets, params, a.request.model);
    print_tiles(a, params, std::cout);
    return 0;
  }
  a.request.axes = tg::tuning::parse_axes(a.sets, params, a.request.model);
  tg::tuning::check_axes_act(a.request, /*simulated=*/!a.host);
  tg::tuning::SweepResult result;
  if (a.host) {
    result = tg::tuning::sweep_on_host(a.request, {.threads = a.threads, .reps = a.reps});
  } else {
    tg::tuning::SimSweepOptions sim{.machine = a.machine, .strategies = {a.strategy}, .strategy_label = "", .jitter = a.jitter, .seeds = a.seeds};
    if (a.strategy == "all") {
      sim.strategies = tg::strategy_names();
      sim.strategy_label = "all";
    }
    result = tg::tuning::sweep_on_simulator(a.request, sim);
  }
  if (a.format == "json") {
    std::cout << tg::tuning::sweep_json(result) << "\n";
  } else {
    tg::tuning::print_sweep_table(result, std::cout);
  }
  if (!a.html.empty()) {
    tg::write_stream_atomically(a.html, [&](std::ostream& out) { tg::tuning::write_sweep_html(result, out); });
    std::cerr << "wrote " << a.html << "\n";
  }
  if (result.rows.empty()) {
    std::cerr << "no combination could be " << (a.host ? "run" : "simulated") << "; every one was refused\n";
    return 1;
  }
  for (const auto& row : result.rows)
    if (row.golden_pass && !*row.golden_pass) return 1;
  return 0;
}

tg::cli::CommandRegistration sweep_command{"sweep", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("sweep", "Build, check and simulate a model scope for every combination of tile values");
  cmd->footer(fmt::format(
      "every combination of the --set lists is built (at most {} combinations); those the model's config validation, "
      "lint or the machine's on-chip buffers (the buffer-capacity rule) refuse are listed with the reason, the rest "
      "simulated (or run on the host with --host) and printed best first. --list-tiles names the model's tile "
      "parameters (docs/tuning.md)\n"
      "exit code: 0 on success, 1 when every combination was refused or a host run failed its golden check, 2 for bad "
      "options or configs, 3 for a failure while running (docs/cli.md)",
      tg::tuning::kMaxCombinations));
  auto args = std::make_shared<SweepArgs>();
  std::vector<std::string> strategies = tg::strategy_names();
  strategies.push_back("all");
  auto& options = args->request.options;
  cmd->add_option("model", args->request.model, "model name (tilegraph run --help lists them)")->required();
  cmd->add_option("--set", args->sets, "a tile parameter and its values, NAME=v1,v2,...; repeat for more parameters")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_flag("--list-tiles", args->list_tiles, "list the model's tile parameters (name, value, form) and exit");
  cmd->add_option("--config", options.config, "small | full")->check(tg::cli::non_empty_value("small or full"))->capture_default_str();
  cmd->add_option("--preset", options.preset, "model preset, where the model has them (V4: flash | pro)")
      ->check(tg::cli::non_empty_value("a preset of the model (V4: flash or pro)"));
  cmd->add_option("--mode", options.mode, "model mode, where the model has them (V4 qkv: decode | prefill; V3.2: staged | fused | host | host-fused)")
      ->check(tg::cli::non_empty_value("a mode of the model (tilegraph run --help lists each model's)"));
  cmd->add_option("--batch", options.batch, "batch (decode tokens); 0 = the config's")
      ->check(tg::cli::integer_in(0, kMaxBatch, "0 = the config's batch"));
  auto* machine = cmd->add_option("--machine", args->machine, "machine preset (a2a3, a5, host) or machine JSON file")
      ->check(tg::cli::non_empty_value("a machine preset (a2a3, a5, host) or a machine .json file"))->capture_default_str();
  auto* strategy = cmd->add_option("--strategy", args->strategy, "dispatch strategy, or all for every one per combination")
                       ->check(CLI::IsMember(strategies))
                       ->capture_default_str();
  auto* jitter = cmd->add_option("--jitter", args->jitter,
                                 "draw latencies from the machine's measured spreads, over --seeds seeds (SEED, SEED+1, ...): "
                                 "a row's makespan is their mean, with the spread")
                     ->check(tg::cli::integer_in(0, UINT64_MAX, "a 64-bit unsigned seed"));
  auto* seeds = cmd->add_option("--seeds", args->seeds, "jittered runs per combination and strategy (with --jitter)")
                    ->check(tg::cli::integer_in(1, kMaxSeeds, "runs"))
                    ->needs(jitter)
                    ->capture_default_str();
  auto* host = cmd->add_flag("--host", args->host, "run each combination on the host executor instead (host tilings): golden-checked, timed");
  cmd->add_option("--threads", args->threads, "host threads (0 = all cores; with --host)")->check(tg::cli::threads_in_range())->needs(host);
  cmd->add_option("--reps", args->reps, "timed host runs per combination, after the checked one; the row is their median (with --host)")
      ->check(tg::cli::integer_in(1, kMaxReps, "runs"))
      ->needs(host)
      ->capture_default_str();
  host->excludes(machine)->excludes(strategy)->excludes(jitter)->excludes(seeds);
  cmd->add_option("--format", args->format, "text, or json: one object with stable keys for scripts")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--html", args->html, "write a self-contained HTML chart of makespan per combination")
      ->check(tg::cli::output_file("a file name for the HTML chart"));
  cmd->callback([&exit_code, args] { exit_code = run_sweep(*args); });
}};

}  // namespace
