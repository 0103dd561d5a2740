// A multi-rank program that fails on purpose, for the fault tests (tests/distributed/
// CMakeLists.txt runs it under mpirun and checks every rank's message and the exit code).
//   kernel-throw: a kernel of rank 1 throws while rank 0 waits in an all-reduce with it.
//   p2p-timeout:  rank 0 sends to rank 1, which never receives (timeout 1 s).
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "distributed/collectives.hpp"
#include "distributed/distributed_executor.hpp"
#include "distributed/mpi_session.hpp"
#include "tasks/bindings.hpp"

int main(int argc, char** argv) {
  tg::MpiSession session(argc, argv, {.fault_grace_seconds = 10});
  const std::string mode = argc > 1 ? argv[1] : "";
  const tg::Comm comm = session.world();
  const int me = comm.rank();
  try {
    tg::Scope s{"probe"};
    auto x = s.staging("x", {1024}, tg::FP32);
    if (mode == "kernel-throw") {
      auto y = s.output("y", {1024}, tg::FP32);
      s.host("compute", {tg::Out(x)}, [me](const tg::TaskContext& c) {
         if (me == 1 && c.block_idx() == 2) throw std::runtime_error("injected failure");
       }).blocks(4);
      tg::all_reduce(s, comm, x, y);
    } else if (mode == "p2p-timeout") {
      s.host("compute", {tg::Out(x)}, [](const tg::TaskContext&) {});
      if (me == 0) {
        tg::Comm short_wait = comm;  // copies share the communicator, and the timeout
        short_wait.set_timeout_seconds(1);
        tg::send(s, short_wait, x, 1, 3, "lonely_send");
      } else {
        s.host("no_recv", {tg::InOut(x)}, [](const tg::TaskContext&) {});
      }
    } else {
      std::fprintf(stderr, "usage: mpi_fault_probe kernel-throw|p2p-timeout\n");
      return 2;
    }
    tg::Graph g = s.finalize();
    tg::Bindings memory(g);
    tg::DistributedExecutor ex(comm, {.threads = 2});
    ex.run(g, memory);
    if (mode == "p2p-timeout") {  // rank 1 then waits in a collective rank 0 never joins
      tg::Scope t{"after"};
      auto z = t.inout("z", {4}, tg::FP32);
      tg::all_reduce(t, comm, z);
      tg::Graph g2 = t.finalize();
      tg::Bindings m2(g2);
      m2.bind("z", tg::Tensor("z", tg::FP32, {4}));
      ex.run(g2, m2);
    }
    std::printf("rank %d: finished without error\n", me);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    session.exit_after_error(e.what(), 3);
  }
}
