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
    if (word == "--") return;  // what follows is positional: CLI11 places it
    if (!word.empty() && word[0] == '-')
      throw tg::cli::UsageError("unknown option '" + word + "' before the command; the options before it are --log-level, " +
                                "--help and --help-all, the commands are " + command_list() +
                                " (tilegraph COMMAND --help lists a command's options)");
    const auto& commands = tg::cli::registered_commands();
    if (std::none_of(commands.begin(), commands.end(), [&](const auto& c) { return c.first == word; }))
      throw tg::cli::UsageError("unknown command '" + word + "'; the commands are " + command_list() +
                                " (tilegraph --help lists them)");
    return;
  }
  if (!help) throw tg::cli::UsageError("no command given; the commands are " + command_list() + " (tilegraph --help lists them)");
}

// CLI11's own words, in the user's terms: "--config: At Most 1 required but received 2" says
// "--config is given twice", the words it could not place come in the order they were typed
// (CLI11 2.1 lists them reversed), and each names what to do.
std::string quoted_list(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "'" : ", '") + w + "'";
  return text;
}

std::string times_text(const std::string& count) {
  return count == "2" ? "twice" : count + " times";
}

std::string extras_text(const CLI::ExtrasError& e, const CLI::App& app) {
  // ExtrasError carries the name of the command that found the words; its remaining() lists
  // them as typed.
  const CLI::App* where = &app;
  for (const CLI::App* sub : app.get_subcommands())
    if (sub->get_name() == e.get_name()) where = sub;
  std::vector<std::string> options, arguments;
  for (const auto& word : where->remaining()) (word.size() > 1 && word[0] == '-' ? options : arguments).push_back(word);
  const std::string command = where == &app ? "tilegraph" : "tilegraph " + where->get_name();
  std::string text;
  if (!options.empty())
    text = (options.size() > 1 ? "unknown options " : "unknown option ") + quoted_list(options);
  if (!arguments.empty())
    text += (text.empty() ? "" : "; ") + std::string(arguments.size() > 1 ? "unexpected arguments " : "unexpected argument ") +
            quoted_list(arguments) + (where == &app ? "" : " (" + where->get_name() + " takes no more positional arguments)");
  if (text.empty()) return e.what();
  return command + ": " + text + "; " + command + " --help lists what it takes";
}

std::string usage_text(const CLI::ParseError& e, const CLI::App& app) {
  const std::string what = e.what();
  if (const auto* extras = dynamic_cast<const CLI::ExtrasError*>(&e)) return extras_text(*extras, app);
  const auto colon = what.find(": ");
  const std::string name = colon == std::string::npos ? "" : what.substr(0, colon);
  const std::string rest = colon == std::string::npos ? what : what.substr(colon + 2);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    // "NAME: At Most 1 required but received 2", "NAME: 1 required TYPE missing"
    if (rest.rfind("At Most 1 required but received ", 0) == 0)
      return name + " is given " + times_text(rest.substr(rest.rfind(' ') + 1)) + "; give it once";
    if (rest.rfind("At Most ", 0) == 0) return name + " is given too often (" + rest + ")";
    if (const auto missing = rest.find(" required "); missing != std::string::npos && rest.size() > 8 &&
                                                       rest.compare(rest.size() - 8, 8, " missing") == 0) {
      std::string type = rest.substr(missing + 10, rest.size() - 8 - missing - 10);
      if (const auto typed = type.find(':'); typed != std::string::npos) type = type.substr(typed + 1);
      return name + " needs a value" + (type.empty() ? "" : " (" + type + ")") + "; give it as " + name + " VALUE";
    }
    return what;
  }
  if (dynamic_cast<const CLI::ConversionError*>(&e)) {
    // "Could not convert: --allow-hazards = maybe": a value given to a flag.
    const std::string prefix = "Could not convert: ";
    if (what.rfind(prefix, 0) == 0) {
      const auto eq = what.find(" = ", prefix.size());
      if (eq != std::string::npos) {
        const std::string option = what.substr(prefix.size(), eq - prefix.size());
        return option + ": '" + what.substr(eq + 3) + "' is not a value it takes; " + option +
               " is a flag: give it alone (or " + option + "=true / " + option + "=false)";
      }
    }
    return what;
  }
  return what;
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
  app.set_help_all_flag("--help-all", "print this help with every command's options");
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
    return report(usage_text(e, app), ExitCode::BadInput, parse_only);
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
