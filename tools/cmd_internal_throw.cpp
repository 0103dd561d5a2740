// tilegraph internal-throw KIND: throws an exception of the named kind out of a command, so
// the tests can check that main turns each one into its documented exit code and message
// (docs/cli.md) instead of an abort. Hidden from --help. KIND hung-kernel runs a graph whose
// kernel spins until its run is stopped, on the host executor with a 0.2 s deadline;
// hung-replay-kernel the same graph simulated on a2a3 with its kernels (functional replay).
#include <new>
#include <stdexcept>
#include <thread>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/scope.hpp"
#include "tools/command.hpp"

namespace {

tg::Graph hung_graph() {
  tg::Scope s{"internal_hang"};
  auto x = s.output("x", {1}, tg::INT32);
  s.vector("spin_forever", {tg::Out(x)}, [](const tg::TaskContext& c) {
    while (!c.cancelled()) std::this_thread::yield();
  });
  return s.finalize();
}

void run_a_hung_kernel(bool simulated) {
  const tg::Graph graph = hung_graph();
  tg::Bindings memory(graph);
  const tg::RunOptions deadline{.timeout_seconds = 0.2};
  if (simulated) tg::SimExecutor(tg::load_machine("a2a3")).simulate(graph, memory, deadline);
  else tg::HostExecutor{1}.run(graph, memory, deadline);
}

[[noreturn]] void throw_kind(const std::string& kind) {
  if (kind == "config") throw tg::ConfigError("internal-throw: a ConfigError");
  if (kind == "io") throw tg::IoError("internal-throw: an IoError");
  if (kind == "shape") throw tg::ShapeError("internal-throw: a ShapeError");
  if (kind == "graph") throw tg::GraphError("internal-throw: a GraphError");
  if (kind == "capacity") throw tg::CapacityError("internal-throw: a CapacityError");
  if (kind == "kernel") throw tg::KernelError("internal_task", 3, "internal-throw: a KernelError");
  if (kind == "error") throw tg::Error("internal-throw: a tg::Error");
  if (kind == "bad-alloc") throw std::bad_alloc();
  if (kind == "hung-kernel") run_a_hung_kernel(false);
  if (kind == "hung-replay-kernel") run_a_hung_kernel(true);
  if (kind == "std") throw std::out_of_range("internal-throw: a std::out_of_range");
  throw 42;  // "other": not even a std::exception
}

tg::cli::CommandRegistration internal_throw_command{"internal-throw", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("internal-throw", "test hook: throw an exception of KIND");
  cmd->group("");  // hidden
  auto kind = std::make_shared<std::string>();
  cmd->add_option("kind", *kind, "exception kind")
      ->required()
      ->check(CLI::IsMember({"config", "io", "shape", "graph", "capacity", "kernel", "error", "bad-alloc", "std", "other", "hung-kernel",
                                   "hung-replay-kernel"}));
  cmd->callback([&exit_code, kind] {
    exit_code = 0;
    throw_kind(*kind);
  });
}};

}  // namespace
