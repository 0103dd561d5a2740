#include "distributed/mpi_session.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>

#include "distributed/comm_state.hpp"
#include "distributed/mpi_calls.hpp"
#include "distributed/progress_engine.hpp"
#include "runtime/error.hpp"

namespace tg {
namespace detail {
std::uint32_t next_comm_id();
}  // namespace detail

namespace {
MpiSession* the_session = nullptr;
}  // namespace

MpiSession::MpiSession(int& argc, char**& argv, MpiSessionOptions options) : options_(options) {
  if (the_session) throw Error("MpiSession: one per process (MPI initialises once)");
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
    if (provided < MPI_THREAD_MULTIPLE) {
      MPI_Finalize();
      throw Error("MpiSession: this MPI library does not provide MPI_THREAD_MULTIPLE, which the progress thread needs");
    }
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  engine_ = std::make_unique<ProgressEngine>(MPI_COMM_WORLD);
  auto world = std::make_shared<detail::CommState>();
  world->comm = MPI_COMM_WORLD;
  world->open_second_phase();
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Comm_rank(MPI_COMM_WORLD, &world->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world->size);
  }
  world->id = detail::next_comm_id();
  world->name = "world";
  world->engine = engine_.get();
  world_ = Comm(std::move(world));
  the_session = this;
}

MpiSession::~MpiSession() {
  the_session = nullptr;
  const bool abandoned = engine_->abandoned_requests();
  engine_.reset();
  if (abandoned) MPI_Abort(MPI_COMM_WORLD, 1);  // MPI_Finalize could wait forever on them
  world_ = Comm();
  MPI_Finalize();
}

bool MpiSession::launched_by_mpi() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(variable)) return true;
  return false;
}

MpiSession& MpiSession::current() {
  if (!the_session) throw Error("no MpiSession: create one in main() before using ranks (tg::MpiSession session(argc, argv))");
  return *the_session;
}

int MpiSession::rank() const { return world_.rank(); }
int MpiSession::size() const { return world_.size(); }
Comm MpiSession::world() const { return world_; }
ProgressEngine& MpiSession::engine() { return *engine_; }

void MpiSession::exit_after_error(const std::string& message, int code) {
  std::fflush(stdout);
  std::fflush(stderr);
  const bool heard = engine_->remote_fault().has_value();
  if (!heard) engine_->broadcast_fault(message);
  // Every rank that failed or heard of a failure acknowledges; the rank that failed first
  // ends them all once all have reported (or the grace period is over).
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.fault_grace_seconds);
  while (std::chrono::steady_clock::now() < until) {
    engine_->acknowledge_faults();
    if (!heard && engine_->wait_for_acknowledgements(0.01)) break;
    if (heard) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

}  // namespace tg
