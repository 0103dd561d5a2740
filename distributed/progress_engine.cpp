#include "distributed/progress_engine.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "distributed/mpi_calls.hpp"
#include "runtime/error.hpp"

namespace tg {
namespace {

constexpr int kFaultTag = 1;
constexpr int kAckTag = 2;
constexpr std::size_t kFaultBytes = 8192;
// After a request completes the thread could keep polling before it sleeps, to save the
// next submission a wake-up (about 9 us). Measured on 2 shared cores, polling starves the
// worker that must run the task's successors (a 1 KB all-reduce task took 404 us with 300 us
// of polling, 72 us without: docs/performance.md), so it sleeps at once.
constexpr auto kSpinAfterActivity = std::chrono::microseconds(0);
// Idle, the thread wakes this often to look for fault messages.
constexpr auto kIdlePoll = std::chrono::milliseconds(1);

std::string mpi_error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  const detail::MpiCall call(detail::mpi_call_mutex());
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<std::size_t>(length));
}

}  // namespace

ProgressEngine::ProgressEngine(MPI_Comm world) : fault_buffer_(kFaultBytes) {
  const detail::MpiCall call(detail::mpi_call_mutex());
  MPI_Comm_dup(world, &fault_comm_);
  MPI_Comm_set_errhandler(fault_comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(fault_comm_, &rank_);
  MPI_Comm_size(fault_comm_, &size_);
  last_activity_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { loop(); });
}

ProgressEngine::~ProgressEngine() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  // Requests still posted cannot be freed safely; a clean exit has none.
  if (!abandoned_.load() && fault_request_ != MPI_REQUEST_NULL) {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Cancel(&fault_request_);
    MPI_Wait(&fault_request_, MPI_STATUS_IGNORE);
    MPI_Cancel(&ack_request_);
    MPI_Wait(&ack_request_, MPI_STATUS_IGNORE);
    MPI_Comm_free(&fault_comm_);
  }
}

std::uint64_t ProgressEngine::submit(std::unique_ptr<CommOperation> op) {
  std::uint64_t id;
  {
    std::lock_guard lock(mutex_);
    id = op->id = next_id_++;
    submitted_.push_back(std::move(op));
  }
  wake_.notify_one();
  return id;
}

void ProgressEngine::cancel(std::uint64_t id, std::string why) {
  {
    std::lock_guard lock(mutex_);
    cancelled_.emplace_back(id, std::move(why));
  }
  wake_.notify_one();
}

void ProgressEngine::set_fault_listener(std::function<void(const RemoteFault&)> listener) {
  std::lock_guard lock(fault_mutex_);
  listener_ = std::move(listener);
}

std::optional<RemoteFault> ProgressEngine::remote_fault() const {
  std::lock_guard lock(fault_mutex_);
  return remote_fault_;
}

void ProgressEngine::broadcast_fault(const std::string& message) {
  if (sent_fault_.exchange(true)) return;
  const std::string text = message.substr(0, kFaultBytes - 1);
  std::lock_guard lock(fault_mutex_);
  static std::string sent;  // the buffer must outlive the sends
  sent = text;
  const detail::MpiCall call(detail::mpi_call_mutex());
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) continue;
    MPI_Request request;
    if (MPI_Isend(sent.data(), static_cast<int>(sent.size()), MPI_CHAR, r, kFaultTag, fault_comm_, &request) == MPI_SUCCESS)
      fault_sends_.push_back(request);
  }
}

void ProgressEngine::acknowledge_faults() {
  std::vector<int> to;
  {
    std::lock_guard lock(fault_mutex_);
    to.swap(faults_from_);
  }
  static const char ack = 1;
  const detail::MpiCall call(detail::mpi_call_mutex());
  for (int r : to) {
    MPI_Request request;
    if (MPI_Isend(&ack, 1, MPI_CHAR, r, kAckTag, fault_comm_, &request) == MPI_SUCCESS) MPI_Request_free(&request);
  }
}

bool ProgressEngine::wait_for_acknowledgements(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (acks_received_.load() < size_ - 1) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

void ProgressEngine::loop() {
  std::unique_lock call(detail::mpi_call_mutex());
  MPI_Irecv(fault_buffer_.data(), static_cast<int>(kFaultBytes), MPI_CHAR, MPI_ANY_SOURCE, kFaultTag, fault_comm_,
            &fault_request_);
  MPI_Irecv(&ack_byte_, 1, MPI_CHAR, MPI_ANY_SOURCE, kAckTag, fault_comm_, &ack_request_);
  call.unlock();
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (stop_) break;
      const bool busy = !active_.empty() || std::chrono::steady_clock::now() - last_activity_ < kSpinAfterActivity;
      if (!busy && submitted_.empty() && cancelled_.empty())
        wake_.wait_for(lock, kIdlePoll, [this] { return stop_ || !submitted_.empty() || !cancelled_.empty(); });
    }
    take_submissions();
    post_ready_ordered();
    std::vector<Active> next_phase;
    for (std::size_t i = 0; i < active_.size();) {
      const Progress p = advance(active_[i]);
      if (p == Progress::Pending) {
        ++i;
        continue;
      }
      if (p == Progress::NextPhase) next_phase.push_back(std::move(active_[i]));
      active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(i));
      last_activity_ = std::chrono::steady_clock::now();
    }
    for (Active& a : next_phase) schedule(std::move(a));
    post_ready_ordered();
    poll_fault_channel();
    if (!active_.empty()) std::this_thread::yield();  // the cores are shared with the workers
  }
  if (!active_.empty() || !waiting_turn_.empty()) abandoned_.store(true);
  fail_everything("the progress engine stopped (MPI session ended) before the request completed");
}

void ProgressEngine::take_submissions() {
  std::deque<std::unique_ptr<CommOperation>> taken;
  std::vector<std::pair<std::uint64_t, std::string>> cancels;
  {
    std::lock_guard lock(mutex_);
    taken.swap(submitted_);
    cancels.swap(cancelled_);
  }
  const std::optional<RemoteFault> fault = remote_fault();
  for (auto& op : taken) {
    if (fault) {
      const std::string why = "not posted: rank " + std::to_string(fault->rank) + " failed: " + fault->message;
      op->complete(&why);
      continue;
    }
    last_activity_ = std::chrono::steady_clock::now();
    start(std::move(op));
  }
  if (!cancels.empty()) apply_cancels(std::move(cancels));
}

void ProgressEngine::apply_cancels(std::vector<std::pair<std::uint64_t, std::string>> cancels) {
  for (auto& [id, why] : cancels) {
    for (auto it = waiting_turn_.begin(); it != waiting_turn_.end(); ++it)
      if (it->second.op->id == id) {
        // Its turn is skipped on this rank only: the run is failing, peers hear of it.
        it->second.op->complete(&why);
        waiting_turn_.erase(it);
        break;
      }
    for (std::size_t i = 0; i < active_.size(); ++i)
      if (active_[i].op->id == id) {
        fail(active_[i], why);
        active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
  }
}

void ProgressEngine::post_ready_ordered() {
  bool posted = true;
  while (posted && !waiting_turn_.empty()) {
    posted = false;
    for (auto it = waiting_turn_.begin(); it != waiting_turn_.end(); ++it) {
      std::uint64_t& next = next_seq_[it->first.first];
      if (it->first.second != next) continue;
      ++next;
      Active a = std::move(it->second);
      waiting_turn_.erase(it);
      post(std::move(a));
      posted = true;
      break;
    }
  }
}

void ProgressEngine::start(std::unique_ptr<CommOperation> op) {
  Active a;
  a.deadline = op->timeout_seconds > 0
                   ? std::chrono::steady_clock::now() +
                         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(op->timeout_seconds))
                   : std::chrono::steady_clock::time_point::max();
  a.op = std::move(op);
  schedule(std::move(a));
}

void ProgressEngine::schedule(Active a) {
  if (const auto turn = a.op->turn(a.phase)) {
    std::uint64_t& next = next_seq_[turn->first];
    if (turn->second != next) {
      waiting_turn_.emplace(*turn, std::move(a));
      return;
    }
    ++next;
  }
  post(std::move(a));
}

void ProgressEngine::post(Active a) {
  a.requests.clear();
  try {
    std::unique_lock call(detail::mpi_call_mutex());
    const bool more = a.op->post_next_phase(a.requests, a.statuses);
    call.unlock();
    ++a.phase;
    if (!more) {
      a.op->complete(nullptr);
      return;
    }
  } catch (const std::exception& e) {
    const std::string why = e.what();
    fail(a, why);
    return;
  }
  active_.push_back(std::move(a));
}

ProgressEngine::Progress ProgressEngine::advance(Active& a) {
  int done = 0;
  a.statuses.resize(a.requests.size());
  std::unique_lock call(detail::mpi_call_mutex());
  const int rc = MPI_Testall(static_cast<int>(a.requests.size()), a.requests.data(), &done, a.statuses.data());
  call.unlock();
  if (rc != MPI_SUCCESS) {
    std::string why = mpi_error_text(rc);
    if (rc == MPI_ERR_IN_STATUS)
      for (const auto& s : a.statuses)
        if (s.MPI_ERROR != MPI_SUCCESS && s.MPI_ERROR != MPI_ERR_PENDING) why = mpi_error_text(s.MPI_ERROR);
    fail(a, a.op->describe() + " failed in MPI: " + why);
    return Progress::Done;
  }
  if (done) {
    a.requests.clear();
    return Progress::NextPhase;
  }
  if (std::chrono::steady_clock::now() < a.deadline) return Progress::Pending;
  fail(a, a.op->describe() + ": no partner completed it within " + std::to_string(a.op->timeout_seconds) +
              " s (Comm::set_timeout_seconds); the peer rank never posted the matching operation, or is stuck");
  return Progress::Done;
}

void ProgressEngine::fail(Active& a, const std::string& why) {
  for (MPI_Request r : a.requests)
    if (r != MPI_REQUEST_NULL) abandoned_.store(true);
  a.requests.clear();
  a.op->complete(&why);
}

void ProgressEngine::poll_fault_channel() {
  int arrived = 0;
  MPI_Status status;
  std::unique_lock call(detail::mpi_call_mutex());
  if (fault_request_ != MPI_REQUEST_NULL && MPI_Test(&fault_request_, &arrived, &status) == MPI_SUCCESS && arrived) {
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    call.unlock();  // the listener takes locks of its own
    on_remote_fault(RemoteFault{status.MPI_SOURCE, std::string(fault_buffer_.data(), static_cast<std::size_t>(length))});
    call.lock();
    MPI_Irecv(fault_buffer_.data(), static_cast<int>(kFaultBytes), MPI_CHAR, MPI_ANY_SOURCE, kFaultTag, fault_comm_,
              &fault_request_);
  }
  arrived = 0;
  if (ack_request_ != MPI_REQUEST_NULL && MPI_Test(&ack_request_, &arrived, MPI_STATUS_IGNORE) == MPI_SUCCESS && arrived) {
    acks_received_.fetch_add(1);
    MPI_Irecv(&ack_byte_, 1, MPI_CHAR, MPI_ANY_SOURCE, kAckTag, fault_comm_, &ack_request_);
  }
}

void ProgressEngine::on_remote_fault(RemoteFault fault) {
  {
    std::lock_guard lock(fault_mutex_);
    faults_from_.push_back(fault.rank);
    if (remote_fault_ || sent_fault_.load()) return;  // the first fault is the one reported
    remote_fault_ = fault;
  }
  spdlog::debug("rank {}: fault from rank {}: {}", rank_, fault.rank, fault.message);
  fail_everything("stopped: rank " + std::to_string(fault.rank) + " failed: " + fault.message);
  // Called under the lock: set_fault_listener({}), at the end of DistributedExecutor::run,
  // then waits for a call in progress, so the listener never runs on an executor the caller
  // has destroyed since (TSan saw cancel() lock the mutex of a deleted HostExecutor).
  std::lock_guard lock(fault_mutex_);
  if (listener_) listener_(fault);
}

void ProgressEngine::fail_everything(const std::string& why) {
  for (auto& a : active_) fail(a, why);
  active_.clear();
  for (auto& [key, a] : waiting_turn_) a.op->complete(&why);
  waiting_turn_.clear();
}

}  // namespace tg
