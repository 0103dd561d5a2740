// tilegraph: build, check, run, simulate and draw task graphs.
#include <algorithm>
#include <iostream>

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

int main(int argc, char** argv) {
  CLI::App app{"tilegraph: task-graph orchestration for heterogeneous cores"};
  app.require_subcommand(1);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, critical, off")->capture_default_str();
  int exit_code = 0;
  auto& commands = tg::cli::registered_commands();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [name, factory] : commands) factory(app, exit_code);
  app.parse_complete_callback([&] { tg::set_log_level(log_level); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const tg::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return exit_code;
}
