#include "distributed/comm.hpp"

#include <atomic>

#include "distributed/comm_state.hpp"
#include "distributed/mpi_calls.hpp"
#include "runtime/error.hpp"

namespace tg {
namespace detail {

CommState::~CommState() {
  const detail::MpiCall call(detail::mpi_call_mutex());
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  if (second_phase != MPI_COMM_NULL) MPI_Comm_free(&second_phase);
  if (owned) MPI_Comm_free(&comm);
}

void CommState::open_second_phase() {
  const detail::MpiCall call(detail::mpi_call_mutex());
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  MPI_Comm_dup(comm, &second_phase);
  MPI_Comm_set_errhandler(second_phase, MPI_ERRORS_RETURN);
}

std::uint32_t next_comm_id() {
  static std::atomic<std::uint32_t> next{0};
  return next.fetch_add(1);
}

}  // namespace detail

namespace {
const detail::CommState& checked(const std::shared_ptr<detail::CommState>& s) {
  if (!s) throw Error("tg::Comm: no communicator (a default-constructed Comm); get one from MpiSession::world()");
  return *s;
}
}  // namespace

int Comm::rank() const { return checked(state_).rank; }
int Comm::size() const { return checked(state_).size; }
const std::string& Comm::name() const { return checked(state_).name; }
double Comm::timeout_seconds() const { return checked(state_).timeout_seconds.load(); }

void Comm::set_timeout_seconds(double seconds) {
  checked(state_);
  if (!(seconds > 0)) throw ConfigError("Comm::set_timeout_seconds: " + std::to_string(seconds) + " s; give a positive number of seconds");
  state_->timeout_seconds.store(seconds);
}

Comm Comm::split(int color, int key) const {
  const detail::CommState& parent = checked(state_);
  if (color < 0) throw ConfigError("Comm::split on " + parent.name + ": color " + std::to_string(color) + " is negative");
  auto child = std::make_shared<detail::CommState>();
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    if (MPI_Comm_split(parent.comm, color, key, &child->comm) != MPI_SUCCESS)
      throw Error("Comm::split on " + parent.name + ": MPI_Comm_split failed");
  }
  child->open_second_phase();
  child->owned = true;
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Comm_rank(child->comm, &child->rank);
    MPI_Comm_size(child->comm, &child->size);
  }
  child->id = detail::next_comm_id();
  child->name = parent.name + "/split(" + std::to_string(color) + ")";
  child->engine = parent.engine;
  child->timeout_seconds.store(parent.timeout_seconds.load());
  return Comm(std::move(child));
}

}  // namespace tg
