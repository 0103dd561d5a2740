#pragma once
// tg::Comm: a group of ranks (an MPI communicator) that communication tasks run on.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "tasks/task.hpp"

namespace tg {

class Graph;
class ProgressEngine;

namespace detail {

// Per run: the posting turn of each collective task on one communicator (send / recv are
// in `seq` too, with no turn), and of each all-reduce's second phase.
struct CommRunPlan {
  const Graph* graph = nullptr;
  std::unordered_map<TaskId, std::uint64_t> seq;
  std::unordered_map<TaskId, std::uint64_t> second_phase_seq;
};

struct CommState;

}  // namespace detail

class Comm {
 public:
  Comm() = default;  // no communicator; valid() is false
  bool valid() const { return state_ != nullptr; }
  int rank() const;
  int size() const;
  // "world", "world/split(1)"; for messages.
  const std::string& name() const;
  // MPI_Comm_split: ranks with the same color form a new Comm, ordered by key (then by
  // rank here). Collective over this Comm: every rank calls it, in the same order.
  Comm split(int color, int key = 0) const;
  // Communication tasks submitted on this Comm from now on fail when their requests have
  // not completed after this many seconds (a send / recv without a partner), and the
  // collective check waits this long for the other ranks. Default 60. Copies of a Comm
  // share the communicator, so they share this setting too.
  void set_timeout_seconds(double seconds);
  double timeout_seconds() const;

  // For the distributed layer.
  explicit Comm(std::shared_ptr<detail::CommState> state) : state_(std::move(state)) {}
  const std::shared_ptr<detail::CommState>& state() const { return state_; }

 private:
  std::shared_ptr<detail::CommState> state_;
};

}  // namespace tg
