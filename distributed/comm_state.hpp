#pragma once
// What a Comm shares with its communication tasks (distributed/ internal).
#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "distributed/comm.hpp"

namespace tg::detail {

struct CommState {
  MPI_Comm comm = MPI_COMM_NULL;
  // The same ranks again, for the second phase of all-reduces (see progress_engine.hpp).
  MPI_Comm second_phase = MPI_COMM_NULL;
  bool owned = false;  // freed at the end (not MPI_COMM_WORLD)
  int rank = 0;
  int size = 1;
  std::uint32_t id = 0;  // creation order, equal on every rank: the engine's ordering channel
  std::string name;
  ProgressEngine* engine = nullptr;
  std::atomic<double> timeout_seconds{60};
  std::uint64_t next_seq = 0;               // collectives posted by earlier runs
  std::uint64_t next_second_phase_seq = 0;  // all-reduce second phases posted by earlier runs
  // Ordering channels of the progress engine.
  std::uint32_t channel() const { return id * 2; }
  std::uint32_t second_phase_channel() const { return id * 2 + 1; }
  // Duplicates `comm` into second_phase, with errors returned (not fatal).
  void open_second_phase();
  std::atomic<const CommRunPlan*> plan{nullptr};  // the run in progress

  ~CommState();
};

}  // namespace tg::detail
