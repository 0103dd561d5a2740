// tilegraph info: the host as hwloc sees it and what the executors will use.
#include <tbb/info.h>

#include <iostream>

#include "runtime/topology.hpp"
#include "tools/command.hpp"

namespace {

tg::cli::CommandRegistration info_command{"info", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("info", "Print the host topology (hwloc) and executor defaults");
  cmd->callback([&exit_code] {
    const auto topo = tg::detect_host_topology();
    std::cout << topo.summary();
    std::cout << "host executor: oneTBB default concurrency " << tbb::info::default_concurrency() << " threads\n";
    exit_code = 0;
  });
}};

}  // namespace
