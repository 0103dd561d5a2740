#pragma once
// Each `tilegraph` subcommand lives in its own file and registers itself here.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace tg::cli {

// Adds the subcommand to `app`; the callback it sets runs the command and returns the
// process exit code through `exit_code`.
using CommandFactory = std::function<void(CLI::App& app, int& exit_code)>;

struct CommandRegistration {
  CommandRegistration(std::string name, CommandFactory factory);
};

std::vector<std::pair<std::string, CommandFactory>>& registered_commands();

}  // namespace tg::cli
