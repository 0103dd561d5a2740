#pragma once
// Communication tasks for graphs that are only simulated: the same task kind (HOST),
// kernel_name ("comm.<operation>") and arguments as distributed/collectives.hpp submits, but
// with no communicator, so a process without MPI can build every rank's graph for
// MultiChipSimExecutor (scheduler/multichip_sim.hpp). `ranks` is the number of chips the
// collective spans (every chip of the machine); counts are checked as tg::all_gather & co.
// check them. Run on an executor, such a task throws an Error saying to build it with
// distributed/collectives.hpp instead.
//
//   tg::modelled_all_reduce(s, ranks, partial);             // in place, like tg::all_reduce(s, comm, partial)
//   tg::modelled_all_gather(s, ranks, shard, full);
#include <string>

#include "tasks/scope.hpp"

namespace tg {

TaskRef modelled_all_gather(Scope& scope, int ranks, const View& in, const View& out, std::string name = "all_gather");
TaskRef modelled_reduce_scatter(Scope& scope, int ranks, const View& in, const View& out,
                                std::string name = "reduce_scatter");
TaskRef modelled_all_reduce(Scope& scope, int ranks, const View& in_out, std::string name = "all_reduce");
TaskRef modelled_all_reduce(Scope& scope, int ranks, const View& in, const View& out, std::string name = "all_reduce");
TaskRef modelled_broadcast(Scope& scope, int ranks, const View& in_out, std::string name = "broadcast");
TaskRef modelled_all_to_all(Scope& scope, int ranks, const View& in, const View& out, std::string name = "all_to_all");

}  // namespace tg
