// tilegraph run MODEL: build a model scope, lint it, run it on the host executor, check it
// stage by stage against its golden (and optionally replay it on a modelled chip). Every
// model of models/common/registry.hpp is accepted; the options are the same for all.
#include <iostream>
#include <memory>

#include "models/common/registry.hpp"
#include "tools/command.hpp"
#include "tools/run_model.hpp"

namespace {

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
              "\nexit code: 0 when every stage's local check is within tolerance and lint found no error, 1 otherwise, "
              "2 for bad options, configs or files");
  auto request = std::make_shared<tg::cli::ModelRunRequest>();
  cmd->add_option("model", request->model, "model name (see the list below)")->required();
  cmd->add_option("--config", request->options.config, "small | full")->capture_default_str();
  cmd->add_option("--batch", request->options.batch, "batch (decode tokens); 0 = the config's")->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", request->seed, "seed of the generated inputs")->capture_default_str();
  cmd->add_option("--inputs", request->inputs_dir, "read DIR/inputs/NAME.npy instead of generating inputs");
  cmd->add_option("--dump", request->dump_dir, "write DIR/{inputs,staging,outputs}/NAME.npy");
  cmd->add_option("--threads", request->threads, "host threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--preset", request->options.preset, "model preset, where the model has them (V4: flash | pro)");
  cmd->add_option("--mode", request->options.mode, "model mode, where the model has them (V4 qkv: decode | prefill)");
  cmd->add_option("--plant-bug", request->options.plant_bug, "plant a known bug (per model; see below); implies --allow-hazards, exits 1");
  cmd->add_flag("--allow-hazards", request->allow_hazards, "run a graph with lint errors anyway (the lint report is printed)");
  cmd->add_option("--machine", request->machine, "also simulate on a modelled chip (a2a3, a5, host, or a JSON file)");
  cmd->add_option("--strategy", request->strategy, "simulator dispatch strategy")->capture_default_str();
  cmd->add_option("--trace", request->trace_file, "Perfetto JSON of the simulated run");
  cmd->add_option("--html", request->html_file, "HTML swimlane of the simulated run");
  cmd->callback([&exit_code, request] { exit_code = tg::cli::run_model(*request, std::cout); });
}};

}  // namespace
