#include "tools/tp_launch.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "models/common/registry.hpp"
#include "models/common/tp_modelled_collectives.hpp"
#include "models/common/tp_models.hpp"
#include "runtime/error.hpp"
#include "runtime/multichip_machine.hpp"
#include "tools/command.hpp"
#include "tools/model_options.hpp"
#include "tools/multichip_report.hpp"

namespace tg::cli {
namespace {

// This process's command line as the kernel holds it (NUL-separated), so the sibling gets
// exactly the words tilegraph got, without main() having to hand them down.
std::vector<std::string> own_command_line() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (c != '\0') {
      word += c;
      continue;
    }
    words.push_back(word);
    word.clear();
  }
  if (words.empty()) throw Error("run --tp: cannot read this process's command line from /proc/self/cmdline");
  return words;
}

std::string shown(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
  return text;
}

void check_launcher(int ranks) {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  const std::string launch = fmt::format(
      "launch it with `mpirun -np {} {}` (as root add --allow-run-as-root; more ranks than cores need --oversubscribe)",
      ranks, shown(own_command_line()));
  if (!size)
    throw UsageError(ErrorContext{.option = "--tp"},
                     fmt::format("--tp {} runs the model on {} MPI ranks, but no MPI launcher started this process "
                                 "(OMPI_COMM_WORLD_SIZE is not set); {}",
                                 ranks, ranks, launch));
  if (std::string(size) != std::to_string(ranks))
    throw UsageError(ErrorContext{.option = "--tp"},
                     fmt::format("--tp {} needs {} ranks, but mpirun started {} (OMPI_COMM_WORLD_SIZE={}); {}", ranks, ranks,
                                 size, size, launch));
}

void check_supported_options(const ModelRunRequest& request) {
  if (!request.options.plant_bug.empty())
    throw UsageError(ErrorContext{.option = "--plant-bug"},
                     "--plant-bug shows what lint and the golden catch on one process; run it without --tp");
}

models::ModelOptions options_of(const ModelRunRequest& request) {
  models::ModelOptions options = request.options;
  if (request.allow_hazards) options.lint = Lint::Off;
  options.inputs_dir = request.inputs_dir;
  return options;
}

// --tp N --machine a2a3xN: every rank's graph built in this one process (collectives
// modelled, no MPI) and simulated together on the N chips; timing only, nothing is run.
int simulate_tp(const ModelRunRequest& request, std::ostream& out) {
  const int ranks = request.tp_ranks;
  if (const char* size = std::getenv("OMPI_COMM_WORLD_SIZE"); size && std::string(size) != "1")
    throw UsageError(ErrorContext{.option = "--machine"},
                     fmt::format("--tp {} --machine {} simulates all {} ranks in one process; run it without mpirun "
                                 "(mpirun started {} processes)",
                                 ranks, request.machine, ranks, size));
  if (!is_multichip_machine(request.machine)) {
    (void)load_machine(request.machine);  // a missing file or an unknown name says so first
    throw UsageError(ErrorContext{.option = "--machine"},
                     fmt::format("--tp {} --machine {}: the {} ranks are simulated on a multi-chip machine of {} chips "
                                 "(a2a3x{}); '{}' is one chip",
                                 ranks, request.machine, ranks, ranks, ranks, request.machine));
  }
  const MultiChipMachine machine = load_multichip_machine(request.machine);
  if (machine.chips() != ranks)
    throw UsageError(ErrorContext{.option = "--machine"},
                     fmt::format("--tp {} --machine {}: the machine has {} chips, one per rank is needed; give a machine "
                                 "of {} chips (a2a3x{}) or --tp {}",
                                 ranks, request.machine, machine.chips(), ranks, ranks, machine.chips()));
  if (!request.dump_dir.empty())
    throw UsageError(ErrorContext{.option = "--dump"},
                     "--dump writes a run's tensors; --tp with --machine only simulates (run --tp under mpirun to dump)");
  // Options of a host run would be ignored here: no tensor is made, no kernel runs.
  const std::pair<bool, const char*> host_only[] = {
      {!request.inputs_dir.empty(), "--inputs"},   {request.seed != 1, "--seed"},
      {request.threads != 0, "--threads"},         {request.timeout_seconds != 0, "--timeout"},
      {request.allow_nonfinite, "--allow-nonfinite"}};
  for (const auto& [given, option] : host_only)
    if (given)
      throw UsageError(ErrorContext{.option = option},
                       fmt::format("{} sets up a host run; --tp with --machine only simulates the ranks' graphs (no "
                                   "tensors, no kernels): drop {}, or run --tp under mpirun",
                                   option, option));
  const auto& tp = models::find_tp_model(request.model);
  auto full = models::find_model(request.model).make(options_of(request));
  tp.check(*full, ranks);
  const auto rank_runs = models::modelled_tp_ranks(tp, *full, ranks);
  std::vector<const Graph*> graphs;
  for (const auto& run : rank_runs) graphs.push_back(&run->graph());
  const bool json = request.json != nullptr;  // --format json: the report alone on stdout
  if (!json)
    out << request.model << " split across " << ranks << " ranks (" << tp.split << "), each rank's graph on one chip of "
        << machine.name << ": " << rank_runs.front()->summary() << "\n";
  SimOptions options;
  options.strategy = request.strategy;
  report_multichip(graphs, machine, options, {request.trace_file, request.html_file, json}, json ? *request.json : out);
  return 0;
}

[[noreturn]] void exec_sibling() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("run --tp: cannot find this executable (/proc/self/exe): " + ec.message());
  const auto sibling = self.parent_path() / kTpExecutable;
  if (!std::filesystem::is_regular_file(sibling, ec))
    throw Error(fmt::format("run --tp: {} is missing beside {}; it runs the MPI ranks (build it with `cmake --build "
                            "build --target {}`, or install both)",
                            kTpExecutable, self.string(), kTpExecutable));
  auto words = own_command_line();
  words[0] = sibling.string();
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  ::execv(sibling.c_str(), argv.data());
  throw Error(fmt::format("run --tp: cannot start {}: {}", sibling.string(), std::strerror(errno)));
}

}  // namespace

TpRunner& tp_runner() {
  static TpRunner runner = nullptr;
  return runner;
}

std::unique_ptr<models::ModelRun> check_tp_request(const ModelRunRequest& request) {
  check_supported_options(request);
  check_launcher(request.tp_ranks);
  const auto& tp = models::find_tp_model(request.model);
  auto full = models::find_model(request.model).make(options_of(request));
  tp.check(*full, request.tp_ranks);
  if (!request.dump_dir.empty()) models::ModelRun::check_dump_target(request.dump_dir, request.force);
  return full;
}

int run_model_tp(const ModelRunRequest& request, std::ostream& out) {
  check_model_options(models::find_model(request.model), request.options);
  if (!request.machine.empty()) {
    check_supported_options(request);
    return simulate_tp(request, out);
  }
  auto full = check_tp_request(request);
  if (!tp_runner()) exec_sibling();
  return tp_runner()(request, std::move(full), out);
}

}  // namespace tg::cli
