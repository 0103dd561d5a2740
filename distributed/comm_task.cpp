#include "distributed/comm_task.hpp"

#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "distributed/comm_state.hpp"
#include "distributed/fixed_order_sum.hpp"
#include "distributed/progress_engine.hpp"
#include "runtime/error.hpp"
#include "scheduler/block_completion.hpp"

namespace tg {
namespace {

int as_mpi_count(std::int64_t bytes, const std::string& label) {
  if (bytes > std::numeric_limits<int>::max())
    throw Error(label + ": " + std::to_string(bytes) + " bytes in one message is more than MPI's int count; split the view");
  return static_cast<int>(bytes);
}

// First element of part r when `count` elements are cut into `parts` nearly equal parts.
std::int64_t part_begin(std::int64_t count, int parts, int r) { return count * r / parts; }

// One communication task's block, on the progress thread. Data moves as bytes (MPI_BYTE),
// so any dtype travels; reductions sum with sum_in_rank_order between two phases.
class TaskOperation final : public CommOperation {
 public:
  TaskOperation(const CommTaskSpec& spec, std::string label, std::byte* in, std::byte* out,
                std::shared_ptr<BlockCompletion> done, std::uint64_t seq, std::uint64_t second_phase_seq)
      : spec_(spec), state_(*spec.comm.state()), label_(std::move(label)), in_(in), out_(out), done_(std::move(done)),
        element_bytes_(static_cast<std::int64_t>(size_of(spec.dtype))), seq_(seq), second_phase_seq_(second_phase_seq) {}

  bool post_next_phase(std::vector<MPI_Request>& requests, const std::vector<MPI_Status>& finished) override {
    const int p = phase_++;
    switch (spec_.op) {
      case CommOp::AllGather:
        if (p > 0) return false;
        post(requests, MPI_Iallgather(in_, bytes(spec_.in_count), MPI_BYTE, out_, bytes(spec_.in_count), MPI_BYTE,
                                      state_.comm, next(requests)));
        return true;
      case CommOp::AllToAll:
        if (p > 0) return false;
        post(requests, MPI_Ialltoall(in_, bytes(spec_.in_count / state_.size), MPI_BYTE, out_,
                                     bytes(spec_.in_count / state_.size), MPI_BYTE, state_.comm, next(requests)));
        return true;
      case CommOp::Broadcast:
        if (p > 0) return false;
        post(requests, MPI_Ibcast(out_, bytes(spec_.out_count), MPI_BYTE, spec_.peer, state_.comm, next(requests)));
        return true;
      case CommOp::Send:
        if (p > 0) return false;
        // Synchronous: it completes only once the recv matched, so a missing partner shows as a timeout.
        post(requests, MPI_Issend(in_, bytes(spec_.in_count), MPI_BYTE, spec_.peer, spec_.tag, state_.comm, next(requests)));
        return true;
      case CommOp::Recv:
        if (p > 0) {
          check_received(finished.at(0));
          return false;
        }
        post(requests, MPI_Irecv(out_, bytes(spec_.out_count), MPI_BYTE, spec_.peer, spec_.tag, state_.comm, next(requests)));
        return true;
      case CommOp::AllReduce:
        return all_reduce_phase(p, requests);
      case CommOp::ReduceScatter:
        return reduce_scatter_phase(p, requests);
    }
    return false;
  }

  std::optional<std::pair<std::uint32_t, std::uint64_t>> turn(int phase) const override {
    if (!is_collective(spec_.op)) return std::nullopt;
    if (phase == 0) return std::make_pair(state_.channel(), seq_);
    if (phase == 1 && spec_.op == CommOp::AllReduce) return std::make_pair(state_.second_phase_channel(), second_phase_seq_);
    return std::nullopt;
  }

  void complete(const std::string* error) override {
    if (error) done_->fail(*error);
    else done_->succeed();
  }

  std::string describe() const override {
    std::string text = std::string(name_of(spec_.op)) + " '" + label_ + "' (" + std::to_string(spec_.in_count) + " " +
                       std::string(name_of(spec_.dtype)) + " on " + state_.name;
    if (spec_.op == CommOp::Send) text += ", to rank " + std::to_string(spec_.peer) + " tag " + std::to_string(spec_.tag);
    if (spec_.op == CommOp::Recv) text += ", from rank " + std::to_string(spec_.peer) + " tag " + std::to_string(spec_.tag);
    return text + ")";
  }

 private:
  int bytes(std::int64_t elements) const { return as_mpi_count(elements * element_bytes_, label_); }
  static MPI_Request* next(std::vector<MPI_Request>& requests) {
    requests.push_back(MPI_REQUEST_NULL);
    return &requests.back();
  }
  void post(std::vector<MPI_Request>&, int rc) const {
    if (rc != MPI_SUCCESS) throw Error(describe() + ": MPI refused to post it (error " + std::to_string(rc) + ")");
  }

  void check_received(const MPI_Status& status) const {
    int got = 0;
    MPI_Get_count(&status, MPI_BYTE, &got);
    if (got != bytes(spec_.out_count))
      throw Error(describe() + ": received " + std::to_string(got) + " bytes, the recv view holds " +
                  std::to_string(bytes(spec_.out_count)) + "; the matching send's view has another count or dtype");
  }

  // Phase 0: every rank sends part r of its input to rank r (an all-to-all); then rank r
  // sums the parts it received in rank order. All-reduce, phase 1: an all-gather of the
  // summed parts into the output, in place.
  void post_scatter_parts(std::int64_t count, std::vector<MPI_Request>& requests) {
    const int n = state_.size;
    const std::int64_t mine = part_begin(count, n, state_.rank + 1) - part_begin(count, n, state_.rank);
    scratch_.resize(static_cast<std::size_t>(mine * n * element_bytes_));
    send_counts_.resize(static_cast<std::size_t>(n));
    send_displs_.resize(static_cast<std::size_t>(n));
    recv_counts_.assign(static_cast<std::size_t>(n), bytes(mine));
    recv_displs_.resize(static_cast<std::size_t>(n));
    for (int r = 0; r < n; ++r) {
      send_counts_[static_cast<std::size_t>(r)] = bytes(part_begin(count, n, r + 1) - part_begin(count, n, r));
      send_displs_[static_cast<std::size_t>(r)] = bytes(part_begin(count, n, r));
      recv_displs_[static_cast<std::size_t>(r)] = bytes(mine * r);
    }
    post(requests, MPI_Ialltoallv(in_, send_counts_.data(), send_displs_.data(), MPI_BYTE, scratch_.data(),
                                  recv_counts_.data(), recv_displs_.data(), MPI_BYTE, state_.comm, next(requests)));
  }

  bool all_reduce_phase(int phase, std::vector<MPI_Request>& requests) {
    const int n = state_.size;
    const std::int64_t count = spec_.in_count;
    const std::int64_t first = part_begin(count, n, state_.rank);
    const std::int64_t mine = part_begin(count, n, state_.rank + 1) - first;
    if (phase == 0) {
      post_scatter_parts(count, requests);
      return true;
    }
    if (phase == 1) {
      sum_in_rank_order(spec_.dtype, scratch_.data(), n, mine, out_ + first * element_bytes_);
      for (int r = 0; r < n; ++r) {
        recv_counts_[static_cast<std::size_t>(r)] = bytes(part_begin(count, n, r + 1) - part_begin(count, n, r));
        recv_displs_[static_cast<std::size_t>(r)] = bytes(part_begin(count, n, r));
      }
      post(requests, MPI_Iallgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, out_, recv_counts_.data(), recv_displs_.data(),
                                     MPI_BYTE, state_.second_phase, next(requests)));
      return true;
    }
    return false;
  }

  bool reduce_scatter_phase(int phase, std::vector<MPI_Request>& requests) {
    if (phase == 0) {
      post_scatter_parts(spec_.in_count, requests);
      return true;
    }
    if (phase == 1) sum_in_rank_order(spec_.dtype, scratch_.data(), state_.size, spec_.out_count, out_);
    return false;
  }

  const CommTaskSpec& spec_;
  const detail::CommState& state_;
  std::string label_;
  std::byte* in_;
  std::byte* out_;
  std::shared_ptr<BlockCompletion> done_;
  std::int64_t element_bytes_;
  std::uint64_t seq_;
  std::uint64_t second_phase_seq_;
  int phase_ = 0;
  std::vector<std::byte> scratch_;
  std::vector<int> send_counts_, send_displs_, recv_counts_, recv_displs_;
};

}  // namespace

void CommKernel::operator()(const TaskContext& context) const {
  const Task& task = context.task();
  const detail::CommState& state = *spec_->comm.state();
  const detail::CommRunPlan* plan = state.plan.load(std::memory_order_acquire);
  if (!plan || !plan->seq.count(task.id))
    throw Error(std::string(name_of(spec_->op)) + " task '" + task.label() +
                "' ran outside tg::DistributedExecutor; communication tasks need it to order and check them across ranks");
  std::shared_ptr<BlockCompletion> done = defer_block_completion();
  if (!done)
    throw Error(std::string(name_of(spec_->op)) + " task '" + task.label() +
                "': this executor completes blocks when their kernel returns; communication tasks run on the "
                "HostExecutor inside tg::DistributedExecutor");
  std::byte* in = context.view(0).bytes_data();
  std::byte* out = context.view(spec_->out_arg).bytes_data();
  const auto second = plan->second_phase_seq.find(task.id);
  auto op = std::make_unique<TaskOperation>(*spec_, task.label(), in, out, done, plan->seq.at(task.id),
                                            second == plan->second_phase_seq.end() ? 0 : second->second);
  op->timeout_seconds = spec_->timeout_seconds;
  ProgressEngine* engine = state.engine;
  const std::uint64_t id = engine->submit(std::move(op));
  done->on_run_stopped([engine, id] { engine->cancel(id, "given up: the run on this rank stopped"); });
}

const CommTaskSpec* comm_spec_of(const Task& task) {
  const CommKernel* kernel = task.kernel.target<CommKernel>();
  return kernel ? &kernel->spec() : nullptr;
}

}  // namespace tg
