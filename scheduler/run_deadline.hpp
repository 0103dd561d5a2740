#pragma once
// A run's deadline (RunOptions::timeout_seconds, the CLI's --timeout), shared by the
// executors that run real kernels: the HostExecutor and the simulator's functional replay.
// A watcher thread calls `expire(why)` once when the time passes before finish(); the
// executor then stops its run the way cancel() does. No thread is started without a deadline.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

namespace tg {

class RunDeadline {
 public:
  RunDeadline(double seconds, std::function<void(const std::string& why)> expire) {
    if (seconds <= 0) return;
    watcher_ = std::thread([this, seconds, expire = std::move(expire)] {
      std::unique_lock lock(mutex_);
      const auto limit = std::chrono::duration<double>(seconds);
      if (!wake_.wait_for(lock, limit, [this] { return finished_; }))
        expire("its deadline of " + format_seconds(seconds) + " s passed (RunOptions::timeout_seconds, --timeout)");
    });
  }
  ~RunDeadline() { finish(); }
  RunDeadline(const RunDeadline&) = delete;
  RunDeadline& operator=(const RunDeadline&) = delete;

  // The run ended: the deadline no longer applies. Waits for an expire() in progress.
  void finish() {
    if (!watcher_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    wake_.notify_one();
    watcher_.join();
  }

 private:
  // "2", "0.2", "1e-300": never "0" for a deadline that was not zero.
  static std::string format_seconds(double s) {
    std::ostringstream text;
    text << s;
    return text.str();
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;
  std::thread watcher_;
};

}  // namespace tg
