#pragma once
// The progress thread: every MPI request of a communication task is posted, tested and
// completed here, off the TBB worker threads, so a worker never waits inside MPI. It also
// listens for fault messages from other ranks (and their acknowledgements).
//
// Ordering: MPI requires the collectives of one communicator to be posted in the same
// order on every rank. Each phase of an operation may name a turn (channel = one
// communicator, seq); the engine posts seq k of a channel only after k-1, whatever order
// the executor made them ready in. Tasks are numbered in submission order and a task
// depends only on earlier tasks, so waiting for a lower seq never waits for a higher one:
// no deadlock. A phase after the first posts on a channel (communicator) of its own, since
// when it becomes ready depends on how fast the first phase completed on each rank.
#include <mpi.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tg {

// One communication, in phases: each phase posts nonblocking requests, and the next one
// starts when they have all completed (an all-reduce: an all-to-all, a local sum, an
// all-gather). Every method but the constructor runs on the progress thread.
class CommOperation {
 public:
  virtual ~CommOperation() = default;
  // Posts the next phase's requests into `requests` (empty first); false when none is left.
  // Throws Error when the finished phase's results are wrong (a short receive).
  virtual bool post_next_phase(std::vector<MPI_Request>& requests, const std::vector<MPI_Status>& finished) = 0;
  // The turn phase `phase` (0 = first) must wait for before it posts; nullopt = none.
  virtual std::optional<std::pair<std::uint32_t, std::uint64_t>> turn(int phase) const = 0;
  // Called exactly once: error is null on success.
  virtual void complete(const std::string* error) = 0;
  // For timeouts and faults: "all_reduce 'grad_sum#4' (4096 fp32 on world)".
  virtual std::string describe() const = 0;

  std::uint64_t id = 0;  // set by submit(), for cancel()
  double timeout_seconds = 0;  // 0 = none
};

// A fault message received from another rank.
struct RemoteFault {
  int rank = -1;
  std::string message;
};

class ProgressEngine {
 public:
  // `world`: the communicator of every rank; faults travel on a duplicate of it.
  explicit ProgressEngine(MPI_Comm world);
  ~ProgressEngine();  // stops the thread; requests still active are abandoned
  ProgressEngine(const ProgressEngine&) = delete;
  ProgressEngine& operator=(const ProgressEngine&) = delete;

  // Returns the operation's id (for cancel()).
  std::uint64_t submit(std::unique_ptr<CommOperation> op);
  // Gives up the operation (its requests are abandoned) and completes it with `why`;
  // nothing when it has completed already. From any thread.
  void cancel(std::uint64_t id, std::string why);

  // Called on the progress thread when a fault message arrives (once, for the first).
  void set_fault_listener(std::function<void(const RemoteFault&)> listener);
  // Tells every other rank that this one failed (once; later calls do nothing).
  void broadcast_fault(const std::string& message);
  bool sent_fault() const { return sent_fault_.load(); }
  std::optional<RemoteFault> remote_fault() const;
  // Acknowledges received faults to their senders, so they know this rank has reported.
  void acknowledge_faults();
  // Waits until every other rank acknowledged our fault, or `seconds` pass; true if all did.
  bool wait_for_acknowledgements(double seconds);
  // True once a request was given up (a timeout or a fault): MPI may still touch its
  // memory, so the process must end with MPI_Abort, not MPI_Finalize.
  bool abandoned_requests() const { return abandoned_.load(); }

 private:
  struct Active {
    std::unique_ptr<CommOperation> op;
    std::vector<MPI_Request> requests;
    std::vector<MPI_Status> statuses;
    std::chrono::steady_clock::time_point deadline;
    int phase = 0;  // the next phase to post
  };
  enum class Progress : std::uint8_t { Pending, Done, NextPhase };
  void loop();
  void take_submissions();
  void post_ready_ordered();
  void start(std::unique_ptr<CommOperation> op);
  void schedule(Active a);  // posts a.phase now, or parks it until its turn
  void post(Active a);
  Progress advance(Active& a);
  void fail(Active& a, const std::string& why);
  void poll_fault_channel();
  void on_remote_fault(RemoteFault fault);
  void fail_everything(const std::string& why);
  void apply_cancels(std::vector<std::pair<std::uint64_t, std::string>> cancels);

  MPI_Comm fault_comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<CommOperation>> submitted_;
  std::vector<std::pair<std::uint64_t, std::string>> cancelled_;
  std::uint64_t next_id_ = 1;
  bool stop_ = false;

  // Progress thread only.
  std::map<std::pair<std::uint32_t, std::uint64_t>, Active> waiting_turn_;
  std::map<std::uint32_t, std::uint64_t> next_seq_;
  std::vector<Active> active_;
  std::chrono::steady_clock::time_point last_activity_;
  MPI_Request fault_request_ = MPI_REQUEST_NULL;
  MPI_Request ack_request_ = MPI_REQUEST_NULL;
  std::vector<char> fault_buffer_;
  char ack_byte_ = 0;

  mutable std::mutex fault_mutex_;
  std::optional<RemoteFault> remote_fault_;
  std::vector<int> faults_from_;  // ranks whose fault we have not acknowledged yet
  std::function<void(const RemoteFault&)> listener_;
  std::atomic<bool> sent_fault_{false};
  std::atomic<int> acks_received_{0};
  std::atomic<bool> abandoned_{false};
  std::vector<MPI_Request> fault_sends_;

  std::thread thread_;
};

}  // namespace tg
