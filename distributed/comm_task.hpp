#pragma once
// A communication task: what it does (the operation, its peer or root, element counts) and
// the kernel that hands it to the progress thread. The DistributedExecutor finds a task's
// spec through its kernel (comm_spec_of), to check and order the collectives of a run.
#include <cstdint>
#include <memory>
#include <string_view>

#include "distributed/comm.hpp"
#include "runtime/dtype.hpp"
#include "tasks/task.hpp"

namespace tg {

enum class CommOp : std::uint8_t { AllGather, ReduceScatter, AllReduce, Broadcast, Send, Recv, AllToAll };

constexpr std::string_view name_of(CommOp op) {
  switch (op) {
    case CommOp::AllGather: return "all_gather";
    case CommOp::ReduceScatter: return "reduce_scatter";
    case CommOp::AllReduce: return "all_reduce";
    case CommOp::Broadcast: return "broadcast";
    case CommOp::Send: return "send";
    case CommOp::Recv: return "recv";
    case CommOp::AllToAll: return "all_to_all";
  }
  return "?";
}

// Collectives must be posted in the same order on every rank; send / recv match by tag.
constexpr bool is_collective(CommOp op) { return op != CommOp::Send && op != CommOp::Recv; }

struct CommTaskSpec {
  CommOp op = CommOp::AllReduce;
  Comm comm;
  DType dtype = DType::FP32;
  std::int64_t in_count = 0;   // elements of the input view (args[0])
  std::int64_t out_count = 0;  // elements of the output view (args[1], or args[0] when in place)
  int peer = -1;               // broadcast: the root; send: the destination; recv: the source
  int tag = 0;                 // send / recv
  double timeout_seconds = 60;
  // Where the data is: the input is args[0]; the output args[1], or args[0] (in place).
  std::size_t out_arg = 1;
};

class CommKernel {
 public:
  explicit CommKernel(std::shared_ptr<const CommTaskSpec> spec) : spec_(std::move(spec)) {}
  // Runs on a worker: defers the block's completion and posts the operation to the
  // progress thread; never waits for MPI.
  void operator()(const TaskContext& context) const;
  const CommTaskSpec& spec() const { return *spec_; }

 private:
  std::shared_ptr<const CommTaskSpec> spec_;
};

// The spec of a communication task, or null for any other task.
const CommTaskSpec* comm_spec_of(const Task& task);

}  // namespace tg
