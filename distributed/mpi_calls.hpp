#pragma once
// One thread in MPI at a time: every MPI call of this process is made holding
// mpi_call_mutex(). Open MPI progresses all the process's requests in whichever thread
// calls into it, so the progress thread's MPI_Testall can complete, and copy the data of, a
// request the main thread waits for (a collective check, a gather); that hand-over happens
// inside libmpi, where ThreadSanitizer cannot see it, and the main thread's read of its
// buffer then looks racy. Serialised calls make it a lock hand-over TSan sees. Cost: an
// uncontended lock per call; the main thread calls MPI only between runs.
// Never take another lock while holding it (the progress thread's callbacks run outside it).
#include <mutex>

namespace tg::detail {

inline std::mutex& mpi_call_mutex() {
  static std::mutex calls;
  return calls;
}

using MpiCall = std::lock_guard<std::mutex>;

}  // namespace tg::detail
