// The tilegraph command line: the app every registered command joins, and the one place
// that maps escaped exceptions onto the exit codes of docs/cli.md (tools/main.cpp only calls
// main_with; the CLI fuzzer calls parse_only).
#include <algorithm>
#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <sstream>

#include "kernels/descriptors/registry.hpp"
#include "runtime/error.hpp"
#include "runtime/log.hpp"
#include "tools/command.hpp"

namespace tg::cli {

std::vector<std::pair<std::string, CommandFactory>>& registered_commands() {
  static std::vector<std::pair<std::string, CommandFactory>> commands;
  return commands;
}

CommandRegistration::CommandRegistration(std::string name, CommandFactory factory) {
  registered_commands().emplace_back(std::move(name), std::move(factory));
}

}  // namespace tg::cli

namespace {

using tg::cli::ExitCode;

std::string command_list() {
  std::string names;
  for (const auto& [name, factory] : tg::cli::registered_commands())
    if (name.rfind("internal-", 0) != 0) names += (names.empty() ? "" : ", ") + name;
  return names;
}

// CLI11 reports a word it cannot place as "A subcommand is required" (or "extra arguments");
// name the word instead. Before the command only the global options may appear.
void check_command_word(int argc, char** argv) {
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--log-level") {
      ++i;
      continue;
    }
    if (word == "-h" || word == "--help" || word == "--help-all") help = true;
    if (help || word.rfind("--log-level=", 0) == 0) continue;
    if (!word.empty() && word[0] == '-') return;  // an unknown option: CLI11 names it
    const auto& commands = tg::cli::registered_commands();
    if (std::none_of(commands.begin(), commands.end(), [&](const auto& c) { return c.first == word; }))
      throw tg::cli::UsageError("unknown command '" + word + "'; the commands are " + command_list() +
                                " (tilegraph --help lists them)");
    return;
  }
  if (!help) throw tg::cli::UsageError("no command given; the commands are " + command_list() + " (tilegraph --help lists them)");
}

int report(const std::string& text, ExitCode code, bool quiet = false) {
  if (quiet) return static_cast<int>(code);
  std::cout.flush();  // what the command printed so far comes first
  std::cerr << "error: " << text << "\n";
  return static_cast<int>(code);
}

// The exit code for the exception in flight, its text on standard error. Bad input (options,
// configs, JSON, shapes, files named on the command line) is 2; a failure while running is 3.
int exit_code_of_current_exception() {
  try {
    throw;
  } catch (const tg::cli::UsageError& e) {
    return report(e.what(), ExitCode::BadInput);
  } catch (const tg::KernelError& e) {
    return report(e.what(), ExitCode::RuntimeFailure);
  } catch (const tg::CapacityError& e) {
    return report(e.what(), ExitCode::RuntimeFailure);
  } catch (const tg::ConfigError& e) {
    return report(e.what(), ExitCode::BadInput);
  } catch (const tg::ShapeError& e) {
    return report(e.what(), ExitCode::BadInput);
  } catch (const tg::GraphError& e) {
    return report(e.what(), ExitCode::BadInput);
  } catch (const tg::IoError& e) {
    return report(e.what(), ExitCode::BadInput);
  } catch (const tg::Error& e) {
    return report(e.what(), ExitCode::RuntimeFailure);
  } catch (const std::bad_alloc&) {
    return report("out of memory (std::bad_alloc); try smaller sizes or fewer threads", ExitCode::RuntimeFailure);
  } catch (const std::exception& e) {
    return report(std::string("internal failure: ") + e.what(), ExitCode::RuntimeFailure);
  } catch (...) {
    return report("internal failure: an exception of unknown type", ExitCode::RuntimeFailure);
  }
}

// Builds the app with every registered command. With `parse_only`, only parsing and the
// option validators run, never a command (the CLI fuzzer's property).
int run(int argc, char** argv, bool parse_only) {
  CLI::App app{"tilegraph: task-graph orchestration for heterogeneous cores"};
  app.require_subcommand(1);
  app.footer("exit codes: 0 success, 1 a check failed, 2 bad input or usage, 3 a runtime failure (docs/cli.md)");
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical, off")->capture_default_str();
  int exit_code = 0;
  auto& commands = tg::cli::registered_commands();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, factory] : commands) factory(app, exit_code);
  tg::kernels::descriptors::register_library();  // JSON scopes may name the library kernels
  // With parse_only, the app's parse-complete callback (which CLI11 runs after every option is
  // converted and validated, before any command's callback) stops the parse. The commands'
  // callbacks stay in place: they own the state their options write into.
  struct ParsedOnly {};
  app.parse_complete_callback([&] {
    if (parse_only) throw ParsedOnly{};
    tg::set_log_level(log_level);
  });
  try {
    check_command_word(argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with code 0; every other parse error is a usage error.
    if (e.get_exit_code() == 0) {
      if (!parse_only) return app.exit(e);
      std::ostringstream discard;
      return app.exit(e, discard, discard);
    }
    return report(e.what(), ExitCode::BadInput, parse_only);
  } catch (const tg::cli::UsageError& e) {  // check_command_word's, and the validators'
    return report(e.what(), ExitCode::BadInput, parse_only);
  } catch (const ParsedOnly&) {
    return static_cast<int>(ExitCode::Success);
  }
  return exit_code;
}

}  // namespace

namespace tg::cli {

int main_with(int argc, char** argv) {
  try {
    return run(argc, argv, /*parse_only=*/false);
  } catch (...) {
    return exit_code_of_current_exception();
  }
}

int parse_only(int argc, char** argv) { return run(argc, argv, /*parse_only=*/true); }

}  // namespace tg::cli
