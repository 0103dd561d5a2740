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
#include <vector>

#include "models/common/registry.hpp"
#include "models/common/tp_models.hpp"
#include "runtime/error.hpp"
#include "tools/command.hpp"

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
  if (!request.machine.empty())
    throw UsageError(ErrorContext{.option = "--machine"},
                     fmt::format("--tp {} --machine {}: simulating the ranks' graphs on a modelled multi-chip machine "
                                 "(a2a3x{}) is not in this build yet; run --tp without --machine under mpirun, or "
                                 "--machine without --tp",
                                 request.tp_ranks, request.machine, request.tp_ranks));
  if (!request.options.plant_bug.empty())
    throw UsageError(ErrorContext{.option = "--plant-bug"},
                     "--plant-bug shows what lint and the golden catch on one process; run it without --tp");
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
  models::ModelOptions options = request.options;
  if (request.allow_hazards) options.lint = Lint::Off;
  options.inputs_dir = request.inputs_dir;
  auto full = models::find_model(request.model).make(options);
  tp.check(*full, request.tp_ranks);
  if (!request.dump_dir.empty()) models::ModelRun::check_dump_target(request.dump_dir, request.force);
  return full;
}

int run_model_tp(const ModelRunRequest& request, std::ostream& out) {
  auto full = check_tp_request(request);
  if (!tp_runner()) exec_sibling();
  return tp_runner()(request, std::move(full), out);
}

}  // namespace tg::cli
