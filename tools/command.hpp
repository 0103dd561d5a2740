#pragma once
// Each `tilegraph` subcommand lives in its own file and registers itself here.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/error.hpp"

namespace tg::cli {

// The process exit codes (docs/cli.md); main maps every escaped exception onto them.
enum class ExitCode : int { Success = 0, CheckFailed = 1, BadInput = 2, RuntimeFailure = 3 };

// A command line that cannot be run as given: exit code 2.
class UsageError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

// Adds the subcommand to `app`; the callback it sets runs the command and returns the
// process exit code through `exit_code`.
using CommandFactory = std::function<void(CLI::App& app, int& exit_code)>;

struct CommandRegistration {
  CommandRegistration(std::string name, CommandFactory factory);
};

std::vector<std::pair<std::string, CommandFactory>>& registered_commands();

// The whole command line: parses argv, runs the command and returns the process exit code;
// every exception becomes its exit code and a message on stderr (tools/cli_app.cpp).
int main_with(int argc, char** argv);

// Parses argv against every command's options and validators without running a command;
// returns 0 (or the --help code) when it parses and 2 for a usage error, silently. Parse
// errors never escape; anything else that escapes is a bug (tests/fuzz/cli_fuzz.cpp).
int parse_only(int argc, char** argv);

// --threads above this is an error: more threads than 8 per hardware thread only cost
// memory and start-up time (a million threads exhausts the process before any task runs).
inline int max_threads() {
  return 8 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Checks an integer option in its text, before CLI11 converts it into its (often unsigned
// or narrower) type: "-1" never wraps to 2^64-1 and 2147483648 never wraps to a negative
// int. CLI11 prefixes the message with the option's name.
inline CLI::Validator integer_in(std::int64_t lo, std::uint64_t hi, const std::string& note = "") {
  const std::string range = std::to_string(lo) + " to " + std::to_string(hi) + (note.empty() ? "" : " (" + note + ")");
  return CLI::Validator(
      [lo, hi, range](std::string& text) -> std::string {
        const std::string expected = "expected an integer from " + range;
        const std::string got = text.empty() ? "an empty value" : "'" + text + "'";
        const char* first = text.data();
        const char* last = first + text.size();
        if (!text.empty() && text[0] == '-') {
          std::int64_t v = 0;
          const auto [end, ec] = std::from_chars(first, last, v);
          if (ec == std::errc::result_out_of_range || (ec == std::errc{} && end == last && v < lo))
            return got + " is out of range; " + expected;
          if (ec != std::errc{} || end != last) return got + " is not an integer; " + expected;
          return {};
        }
        std::uint64_t v = 0;
        const auto [end, ec] = std::from_chars(first, last, v);
        if (ec == std::errc::result_out_of_range || (ec == std::errc{} && end == last && v > hi))
          return got + " is out of range; " + expected;
        if (ec != std::errc{} || end != last) return got + " is not an integer; " + expected;
        if (lo > 0 && v < static_cast<std::uint64_t>(lo)) return got + " is out of range; " + expected;
        return {};
      },
      "INT " + std::to_string(lo) + ".." + std::to_string(hi));
}

inline CLI::Validator threads_in_range() {
  return integer_in(0, static_cast<std::uint64_t>(max_threads()),
                    "0 = all cores; at most 8 x the " + std::to_string(max_threads() / 8) + " hardware threads");
}

// A number of seconds in [0, hi], checked in its text: "abc", "nan", "inf" and negatives are
// errors naming the value; 0 means no limit.
inline CLI::Validator seconds_in(double hi, const std::string& note) {
  const std::string expected = "expected a number of seconds from 0 (" + note + ") to " + std::to_string(static_cast<long long>(hi));
  return CLI::Validator(
      [hi, expected](std::string& text) -> std::string {
        const std::string got = text.empty() ? "an empty value" : "'" + text + "'";
        double v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc::result_out_of_range) return got + " is out of range; " + expected;
        if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(v))
          return got + " is not a number; " + expected;
        if (v < 0 || v > hi) return got + " is out of range; " + expected;
        return {};
      },
      "SECONDS");
}

// A name option (--mode, --preset, --config) must not be empty: `--mode ''` would take the
// model's default without a word.
inline CLI::Validator non_empty_value(const std::string& what) {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        return text.empty() ? "an empty value is not valid; expected " + what : std::string();
      },
      "NAME");
}

// A file or folder name must not be empty: `--dump ''` would write nothing and say nothing.
inline CLI::Validator non_empty_path(const std::string& what) {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        return text.empty() ? "an empty name is not valid; expected " + what : std::string();
      },
      "PATH");
}

// An output file: not empty, not a directory, in a folder that exists; checked before the
// run, so a long simulation does not end in "cannot open" (the write itself is atomic).
inline CLI::Validator output_file(const std::string& what) {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        if (text.empty()) return "an empty name is not valid; expected " + what;
        std::error_code ec;
        const std::filesystem::path path(text);
        if (std::filesystem::is_directory(path, ec)) return "'" + text + "' is a directory; expected " + what;
        const auto folder = path.parent_path();
        if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
          return "folder '" + folder.string() + "' does not exist; create it first, or name " + what + " elsewhere";
        return {};
      },
      "FILE");
}

// An output folder (`trace --capture`): not empty, not a file, and not under a file, checked
// before the run so the run's report is not followed by "Not a directory".
inline CLI::Validator output_folder(const std::string& what) {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        if (text.empty()) return "an empty name is not valid; expected " + what;
        std::error_code ec;
        std::filesystem::path path(text);
        if (std::filesystem::exists(path, ec) && !std::filesystem::is_directory(path, ec))
          return "'" + text + "' is a file; expected " + what;
        for (auto up = path.parent_path(); !up.empty() && up != up.parent_path(); up = up.parent_path())
          if (std::filesystem::exists(up, ec)) {
            if (!std::filesystem::is_directory(up, ec))
              return "'" + up.string() + "' is a file, so no folder can be made under it; expected " + what;
            break;
          }
        return {};
      },
      "DIR");
}

// Output files are named by the format they hold, alike in every command: --html, --perfetto,
// --dot. An older spelling stays for scripts as an alias of `current`, listed under
// "Deprecated" in --help, that writes the same variable and prints a warning naming the new
// one; giving both is a usage error.
inline CLI::Option* deprecated_alias(CLI::App* cmd, const std::string& old_name, CLI::Option* current,
                                     std::string& target, const CLI::Validator& check) {
  const std::string new_name = current->get_name();
  auto* alias = cmd->add_option_function<std::string>(
                       old_name,
                       [&target, old_name, new_name](const std::string& value) {
                         std::cerr << "warning: " << old_name << " is deprecated; use " << new_name
                                   << " (the same file)\n";
                         target = value;
                       },
                       "old spelling of " + new_name + " (prints a warning)")
                    ->check(check)
                    ->group("Deprecated");
  alias->excludes(current);
  return alias;
}

}  // namespace tg::cli
