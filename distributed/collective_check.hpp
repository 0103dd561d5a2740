#pragma once
// Before a run posts anything, the ranks of each Comm agree on the collectives the graph
// will post there: the same operations, in the same order, with equal dtype, counts and
// root. A mismatch would corrupt memory or hang inside MPI; here it is an error naming a
// task on each of two disagreeing ranks.
#include <vector>

#include "distributed/comm.hpp"
#include "tasks/graph.hpp"

namespace tg {

// The graph's collective tasks on `comm`, in submission (= posting) order.
std::vector<TaskId> collectives_on(const Graph& graph, const Comm& comm);

// Every rank of `comm` calls it with its graph. Cheap when they agree (one all-reduce of
// a digest of the ranks' collective lists); otherwise the lists are gathered and compared
// and every rank throws the same CollectiveMismatchError. Waits at most
// comm.timeout_seconds() for the other ranks (a rank running no collective on this Comm).
void check_collectives_agree(const Graph& graph, const Comm& comm);

}  // namespace tg
