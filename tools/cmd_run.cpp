// tilegraph run MODEL: build a model scope, lint it, run it on the host executor, check it
// stage by stage against its golden (and optionally replay it on a modelled chip). Every
// model of models/common/registry.hpp is accepted; the options are the same for all.
#include <iostream>
#include <memory>

#include "models/common/registry.hpp"
#include "runtime/run_limits.hpp"
#include "scheduler/strategy.hpp"
#include "tools/command.hpp"
#include "tools/run_model.hpp"
#include "tools/tp_launch.hpp"

namespace {

// Decode batches beyond this are not what the model scopes are for; their tensors would
// take gigabytes before the first task runs (docs/cli.md).
constexpr std::uint64_t kMaxBatch = 4096;
// More ranks than heads would leave ranks without work in every model here.
constexpr std::uint64_t kMaxTpRanks = 1024;

std::string model_list() {
  std::string text;
  for (const auto& m : tg::models::model_registry()) {
    text += "\n  " + m.name + ": " + m.summary;
    if (!m.bugs.empty()) {
      text += " [bugs:";
      for (const auto& b : m.bugs) text += " " + b;
      text += "]";
    }
  }
  return text;
}

tg::cli::CommandRegistration run_command{"run", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("run", "Run a model scope on the host and check it against its golden, stage by stage");
  cmd->footer("models:" + model_list() +
              "\nmodel specs (the math of each scope: shapes, dtypes, rounding points, tolerances): docs/models/ in the "
              "tilegraph repository, one page per model"
              "\nexit code: 0 when every stage's local check is within tolerance and lint found no error, 1 otherwise, "
              "2 for bad options, configs or files, 3 for a failure while running (docs/cli.md)");
  auto request = std::make_shared<tg::cli::ModelRunRequest>();
  cmd->add_option("model", request->model, "model name (see the list below)")->required();
  cmd->add_option("--config", request->options.config, "small | full")->check(tg::cli::non_empty_value("small or full"))->capture_default_str();
  cmd->add_option("--batch", request->options.batch, "batch (decode tokens); 0 = the config's")
      ->check(tg::cli::integer_in(0, kMaxBatch, "0 = the config's batch"));
  auto* seed = cmd->add_option("--seed", request->seed, "seed of the generated inputs")
                   ->check(tg::cli::integer_in(0, UINT64_MAX, "a 64-bit unsigned seed"))
                   ->capture_default_str();
  // A seed beside --inputs would be ignored: say so instead.
  cmd->add_option("--inputs", request->inputs_dir, "read DIR/inputs/NAME.npy instead of generating inputs")
      ->check(tg::cli::non_empty_path("a folder holding inputs/NAME.npy"))
      ->excludes(seed);
  auto* dump = cmd->add_option("--dump", request->dump_dir,
                               "write DIR/{inputs,staging,outputs}/NAME.npy and DIR/manifest.json; replaces an earlier dump whole")
                   ->check(tg::cli::non_empty_path("a folder to write the tensors into"));
  cmd->add_flag("--force", request->force, "let --dump replace a non-empty folder that is not a tilegraph dump (its contents are deleted)")
      ->needs(dump);
  cmd->add_option("--threads", request->threads, "host threads (0 = all cores)")->check(tg::cli::threads_in_range());
  cmd->add_option("--timeout", request->timeout_seconds,
                  "stop the host run (and, with --machine, the simulated run's kernels) after SECONDS, naming the tasks "
                  "still running (exit 3); 0 = no deadline")
      ->check(tg::cli::seconds_in(tg::kMaxTimeoutSeconds, "no deadline"));
  cmd->add_option("--preset", request->options.preset, "model preset, where the model has them (V4: flash | pro)")
      ->check(tg::cli::non_empty_value("a preset of the model (V4: flash or pro)"));
  cmd->add_option("--mode", request->options.mode, "model mode, where the model has them (V3.2: staged | fused | host | host-fused; V4 qkv: decode | prefill | host-decode | host-prefill; V4 SWA: decode | host)")
      ->check(tg::cli::non_empty_value("a mode of the model (tilegraph run --help lists each model's)"));
  cmd->add_option("--plant-bug", request->options.plant_bug, "plant a known bug (per model; see below); implies --allow-hazards, exits 1");
  auto* machine = cmd->add_option("--machine", request->machine, "also simulate on a modelled chip (a2a3, a5, host, or a JSON file)")
      ->check(tg::cli::non_empty_value("a machine preset (a2a3, a5, host) or a machine .json file"));
  cmd->add_option("--strategy", request->strategy, "simulator dispatch strategy (with --machine)")
      ->check(CLI::IsMember(tg::strategy_names()))
      ->needs(machine)
      ->capture_default_str();
  const auto perfetto_file = tg::cli::output_file("a file name for the Perfetto JSON");
  auto* perfetto = cmd->add_option("--perfetto", request->trace_file, "Perfetto JSON of the simulated run")->check(perfetto_file);
  tg::cli::deprecated_alias(cmd, "--trace", perfetto, request->trace_file, perfetto_file);
  cmd->add_option("--html", request->html_file, "HTML swimlane of the simulated run")
      ->check(tg::cli::output_file("a file name for the HTML swimlane"));
  auto format = std::make_shared<std::string>("text");
  cmd->add_option("--format", *format, "json: the simulated run's analysis as one JSON object on stdout, the report on stderr")
      ->check(CLI::IsMember({"text", "json"}))
      ->needs(machine)
      ->capture_default_str();
  cmd->add_flag("--allow-nonfinite", request->allow_nonfinite, "run with NaN / Inf values in input tensors (refused by default)");
  cmd->add_option("--tp", request->tp_ranks,
                  "split the model across N MPI ranks, under `mpirun -np N` (v32-decode-scope1: the q heads; "
                  "v4-swa-attention: the o_proj groups); rank 0 prints the report and writes --dump. With --machine a2a3xN: "
                  "every rank's graph simulated on the N chips in one process, no mpirun")
      ->check(tg::cli::integer_in(1, kMaxTpRanks));
  cmd->add_flag("--allow-hazards", request->allow_hazards, "run a graph with lint errors anyway (the lint report is printed)");
  cmd->callback([&exit_code, request, format] {
    if (*format == "json") request->json = &std::cout;
    std::ostream& out = request->json ? std::cerr : std::cout;
    exit_code = request->tp_ranks > 0 ? tg::cli::run_model_tp(*request, out) : tg::cli::run_model(*request, out);
  });
}};

}  // namespace
