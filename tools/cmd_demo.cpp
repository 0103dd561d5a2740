// tilegraph demo: the first thing README runs. Prints the host, then runs DeepSeek V3.2
// decode scope 1 at full dims end to end: the host run with its stage-by-stage golden check,
// then the same graph on the modelled a2a3 chip (functional + timing), writing the HTML
// swimlane and the Perfetto trace and printing where they are.
#include <filesystem>
#include <iostream>
#include <memory>

#include "models/deepseek_v3_2/scope1_run.hpp"
#include "runtime/error.hpp"
#include "runtime/topology.hpp"
#include "scheduler/strategy.hpp"
#include "tools/command.hpp"
#include "tools/run_model.hpp"

namespace {

struct DemoOptions {
  int threads = 0;
  std::string config = "full";
  std::uint64_t seed = 1;
  std::string out_dir = "tilegraph-demo";
  std::string machine = "a2a3";
  std::string strategy = "critical-path";
};

int run_demo(const DemoOptions& o) {
  std::cout << tg::detect_host_topology().summary() << "\n";
  std::error_code made;
  std::filesystem::create_directories(o.out_dir, made);
  if (made || !std::filesystem::is_directory(o.out_dir))
    throw tg::IoError("--out '" + o.out_dir + "': cannot make a folder there (" +
                      (made ? made.message() : std::string("a file is in the way")) + "); name a new or existing folder");
  tg::cli::ModelRunRequest request;
  request.model = tg::models::deepseek_v3_2::kScope1ModelName;
  request.options.config = o.config;
  request.seed = o.seed;
  request.threads = o.threads;
  request.machine = o.machine;
  request.strategy = o.strategy;
  request.trace_file = (std::filesystem::path(o.out_dir) / "v32_decode_scope1.perfetto.json").string();
  request.html_file = (std::filesystem::path(o.out_dir) / "v32_decode_scope1.html").string();
  const int code = tg::cli::run_model(request, std::cout);
  std::cout << (code == 0 ? "demo: PASS\n" : "demo: FAIL\n");
  return code;
}

tg::cli::CommandRegistration demo_command{"demo", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("demo", "Run DeepSeek V3.2 decode scope 1 on the host (golden-checked), then on the modelled a2a3 with traces");
  auto o = std::make_shared<DemoOptions>();
  cmd->add_option("--threads", o->threads, "host threads (0 = all cores)")->check(tg::cli::threads_in_range());
  cmd->add_option("--config", o->config, "small | full")->capture_default_str();
  cmd->add_option("--seed", o->seed, "seed of the generated inputs")
      ->check(tg::cli::integer_in(0, UINT64_MAX, "a 64-bit unsigned seed"))
      ->capture_default_str();
  cmd->add_option("--out", o->out_dir, "folder for the HTML swimlane and the Perfetto trace")
      ->check(tg::cli::non_empty_path("a folder name"))
      ->capture_default_str();
  cmd->add_option("--machine", o->machine, "modelled chip")->check(tg::cli::non_empty_value("a machine preset (a2a3, a5, host) or a machine .json file"))->capture_default_str();
  cmd->add_option("--strategy", o->strategy, "simulator dispatch strategy")
      ->check(CLI::IsMember(tg::strategy_names()))
      ->capture_default_str();
  cmd->callback([&exit_code, o] { exit_code = run_demo(*o); });
}};

}  // namespace
