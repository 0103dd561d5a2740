#pragma once
// StagingLifetimes: a host run holds each staging buffer only while it is in use, as the
// simulator's last-use accounting models it: taken from the executor's StagingPool (and
// filled) when its first user starts, given back when its last user ends, so a buffer's
// memory serves a later one in the same run. The run reports the most staging bytes held at
// once. Users of one buffer may start together (disjoint tiles): the first takes and fills
// it, the others wait for that. The last user is found with a CountdownTree over the
// buffer's users, so 10^5 users of one buffer do not all hit one counter.
//
// Cost: planning O(arguments) per run (re-done every run: a Graph has no identity to cache
// it by), then per task one atomic load and one countdown arrival per distinct staging
// buffer it uses, and one locked pool call per buffer per run. Nothing for a graph without
// staging. Planning storage is reused run after run.
#include <atomic>
#include <cstdint>
#include <exception>
#include <span>
#include <vector>

#include "scheduler/countdown_tree.hpp"
#include "scheduler/reusable_array.hpp"
#include "scheduler/staging_pool.hpp"
#include "tasks/graph.hpp"

namespace tg {

class StagingLifetimes {
 public:
  // Plans the run: which staging buffers each task uses and how many users each buffer has.
  // Nothing is taken yet; `table` gets a buffer's address when it is taken.
  void begin(const Graph& graph, std::byte** table, StagingPool& pool, StagingFill fill);
  bool active() const { return active_; }
  // Before t's first block runs: takes t's staging buffers not held yet. Null, or the error
  // to stop the run with when the memory cannot be had (t's kernel must not run).
  std::exception_ptr acquire(TaskId t) {
    if (!active_ || begin_[t] == begin_[t + 1]) return nullptr;
    return acquire_uses(t);
  }
  // After t's last block: gives back the buffers whose last user t was.
  void retire(TaskId t) {
    if (active_ && begin_[t] != begin_[t + 1]) retire_uses(t);
  }
  // After the run: the most staging bytes held at once; the pool is settled for the next run.
  std::uint64_t end();

 private:
  struct Use {
    std::uint32_t buffer;
    std::uint32_t position;  // among the buffer's users, in task order
  };
  enum State : std::uint8_t { kFree, kTaking, kHeld, kFailed };
  struct Held {
    std::atomic<std::uint8_t> state{kFree};
    CountdownTree users_left;
  };

  std::exception_ptr acquire_uses(TaskId t);
  void retire_uses(TaskId t);

  const Graph* graph_ = nullptr;
  std::byte** table_ = nullptr;
  StagingPool* pool_ = nullptr;
  StagingFill fill_ = StagingFill::Zero;
  bool active_ = false;
  std::vector<std::uint32_t> begin_;  // per task, into uses_ (n + 1)
  std::vector<Use> uses_;
  std::vector<std::uint32_t> users_;      // per buffer
  std::vector<TaskId> last_user_;         // per buffer, while planning
  std::span<Held> held_;
  ReusableArray<Held> held_store_;
  ReusableArray<CountdownNode> nodes_store_;
};

}  // namespace tg
