#pragma once
// MpiSession: MPI for the life of a multi-rank program. Only programs that create one
// initialise (and link) MPI; the single-process paths of tilegraph never do.
#include <memory>
#include <string>

#include "distributed/comm.hpp"

namespace tg {

class ProgressEngine;

struct MpiSessionOptions {
  // After a failure, how long the failing rank waits for the other ranks to report theirs
  // before MPI_Abort ends them all (so every rank exits non-zero and none hangs).
  double fault_grace_seconds = 10;
};

class MpiSession {
 public:
  // Initialises MPI with MPI_THREAD_MULTIPLE (the progress thread posts requests while the
  // main thread may gather traces) and starts the progress thread. One per process.
  MpiSession(int& argc, char**& argv, MpiSessionOptions options = {});
  ~MpiSession();  // MPI_Finalize, after the progress thread stopped
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  // Whether this process was started by an MPI launcher (mpirun, srun).
  static bool launched_by_mpi();
  // The session of this process; throws Error when there is none.
  static MpiSession& current();

  int rank() const;
  int size() const;
  Comm world() const;
  ProgressEngine& engine();

  // Ends this rank after its error was reported: tells the other ranks (if they have not
  // heard of a failure yet), waits up to fault_grace_seconds for them to report too, then
  // MPI_Abort with `code`: no rank hangs in a collective its peer will never join.
  [[noreturn]] void exit_after_error(const std::string& message, int code = 1);

 private:
  MpiSessionOptions options_;
  std::unique_ptr<ProgressEngine> engine_;
  Comm world_;
};

}  // namespace tg
