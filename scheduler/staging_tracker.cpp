#include "scheduler/staging_tracker.hpp"

#include <algorithm>

#include "runtime/bytes_text.hpp"
#include "runtime/error.hpp"

namespace tg {

void StagingTracker::PerTaskLists::add(TaskId task, std::uint32_t id) {
  while (begin_.size() <= task) begin_.push_back(static_cast<std::uint32_t>(ids_.size()));
  ids_.push_back(id);
}

void StagingTracker::PerTaskLists::finish(std::size_t tasks) {
  if (ids_.empty()) {
    begin_.clear();
    return;
  }
  while (begin_.size() <= tasks) begin_.push_back(static_cast<std::uint32_t>(ids_.size()));
}

StagingTracker::StagingTracker(const Graph& graph, const SimOptions& options)
    : graph_(graph), enforce_rings_(options.staging == StagingRelease::ScopeExitRing) {
  const auto& scopes = graph.scopes();
  scope_depth_.assign(scopes.size(), 0);
  for (std::size_t s = 0; s < scopes.size(); ++s)
    for (int p = scopes[s].parent; p >= 0; p = scopes[static_cast<std::size_t>(p)].parent) ++scope_depth_[s];
  const int max_depth = scope_depth_.empty() ? 0 : *std::max_element(scope_depth_.begin(), scope_depth_.end());
  rings_.resize(static_cast<std::size_t>(max_depth) + 1);
  if (enforce_rings_)
    for (std::size_t d = 0; d < rings_.size(); ++d) {
      const auto& by_depth = options.ring_bytes_by_depth;
      rings_[d].capacity = d < by_depth.size() && by_depth[d] ? by_depth[d] : options.ring_bytes;
    }

  scope_tasks_left_.assign(scopes.size(), 0);
  scope_buffers_.resize(scopes.size());
  const std::size_t n = graph.num_tasks(), nb = graph.buffers().size();
  users_left_.assign(nb, 0);
  live_.assign(nb, 0);
  in_ring_.assign(nb, 0);
  released_.assign(nb, 0);
  scope_exited_.assign(nb, 0);
  std::vector<TaskId> last_user(nb, static_cast<TaskId>(-1));
  for (const Task& t : graph.tasks()) {
    for (int s = static_cast<int>(t.scope); s >= 0; s = scopes[static_cast<std::size_t>(s)].parent)
      ++scope_tasks_left_[static_cast<std::size_t>(s)];
    for (const Arg& a : t.args) {
      const Buffer& b = a.view.buffer();
      if (b.role() != Role::Staging || last_user[b.id()] == t.id) continue;
      if (last_user[b.id()] == static_cast<TaskId>(-1)) first_use_.add(t.id, b.id());
      last_user[b.id()] = t.id;
      ++users_left_[b.id()];
      staging_args_.add(t.id, b.id());
    }
  }
  first_use_.finish(n);
  staging_args_.finish(n);
  if (enforce_rings_)
    for (TaskId t = 0; t < n; ++t)
      for (std::uint32_t b : first_use_.of(t)) {
        const auto depth = static_cast<std::size_t>(scope_depth_[graph.scope_of_buffer(b)]);
        const Ring& ring = rings_[depth];
        if (ring.capacity && bytes_of(b) > ring.capacity)
          throw CapacityError("staging buffer '" + graph.buffers()[b]->name() + "' (" + bytes_text(bytes_of(b)) +
                              ") can never fit staging ring depth " + std::to_string(depth) + " of " +
                              bytes_text(ring.capacity) + "; enlarge that ring or release staging at last use");
      }
}

std::uint64_t StagingTracker::bytes_of(std::uint32_t buffer) const { return graph_.buffers()[buffer]->bytes(); }

bool StagingTracker::can_submit(TaskId task) const {
  if (!enforce_rings_) return true;
  std::vector<std::uint64_t> extra(rings_.size(), 0);
  for (std::uint32_t b : first_use_.of(task)) {
    const auto depth = static_cast<std::size_t>(scope_depth_[graph_.scope_of_buffer(b)]);
    extra[depth] += bytes_of(b);
    const Ring& ring = rings_[depth];
    if (ring.capacity && ring.used + extra[depth] > ring.capacity) return false;
  }
  return true;
}

void StagingTracker::on_submit(TaskId task) {
  for (std::uint32_t b : first_use_.of(task)) {
    const std::uint32_t scope = graph_.scope_of_buffer(b);
    // A buffer whose scope has no unfinished task left (only used from other scopes) is
    // not held by a scope exit; last-use accounting alone covers it.
    if (scope_tasks_left_[scope] == 0) continue;
    Ring& ring = rings_[static_cast<std::size_t>(scope_depth_[scope])];
    ring.entries.push_back(RingEntry{b, bytes_of(b)});
    ring.used += bytes_of(b);
    ring.peak = std::max(ring.peak, ring.used);
    ring_total_ += bytes_of(b);
    peak_ring_total_ = std::max(peak_ring_total_, ring_total_);
    in_ring_[b] = 1;
    scope_buffers_[scope].push_back(b);
  }
}

void StagingTracker::on_first_dispatch(TaskId task) {
  for (std::uint32_t b : staging_args_.of(task))
    if (!live_[b]) {
      live_[b] = 1;
      live_bytes_ += bytes_of(b);
      peak_live_ = std::max(peak_live_, live_bytes_);
    }
}

bool StagingTracker::release_in_ring(std::uint32_t buffer) {
  Ring& ring = rings_[static_cast<std::size_t>(scope_depth_[graph_.scope_of_buffer(buffer)])];
  released_[buffer] = 1;
  bool reclaimed = false;
  while (!ring.entries.empty() && released_[ring.entries.front().buffer]) {
    ring.used -= ring.entries.front().bytes;
    ring_total_ -= ring.entries.front().bytes;
    ring.entries.pop_front();
    reclaimed = true;
  }
  return reclaimed;
}

// A ring buffer is released once its scope has exited and its last reader is done.
bool StagingTracker::on_task_finished(TaskId task) {
  bool reclaimed = false;
  for (std::uint32_t b : staging_args_.of(task))
    if (--users_left_[b] == 0) {
      if (live_[b]) {
        live_[b] = 0;
        live_bytes_ -= bytes_of(b);
      }
      if (in_ring_[b] && scope_exited_[b]) reclaimed = release_in_ring(b) || reclaimed;
    }
  const auto& scopes = graph_.scopes();
  for (int s = static_cast<int>(graph_.task(task).scope); s >= 0; s = scopes[static_cast<std::size_t>(s)].parent) {
    const auto scope = static_cast<std::size_t>(s);
    if (--scope_tasks_left_[scope] != 0) continue;
    for (std::uint32_t b : scope_buffers_[scope]) {
      scope_exited_[b] = 1;
      if (users_left_[b] == 0) reclaimed = release_in_ring(b) || reclaimed;
    }
    scope_buffers_[scope].clear();
  }
  return reclaimed;
}

std::string StagingTracker::deadlock_message(TaskId task) const {
  for (std::uint32_t b : first_use_.of(task)) {
    const std::uint32_t scope = graph_.scope_of_buffer(b);
    const auto depth = static_cast<std::size_t>(scope_depth_[scope]);
    const Ring& ring = rings_[depth];
    if (!ring.capacity || ring.used + bytes_of(b) <= ring.capacity) continue;
    std::string holder = ring.entries.empty() ? std::string("nothing")
                                              : "'" + graph_.buffers()[ring.entries.front().buffer]->name() + "' of scope '" +
                                                    graph_.scopes()[graph_.scope_of_buffer(ring.entries.front().buffer)].name + "'";
    return "staging ring depth " + std::to_string(depth) + " deadlocked: the orchestrator cannot submit task '" +
           graph_.task(task).label() + "' because its staging buffer '" + graph_.buffers()[b]->name() + "' (" +
           bytes_text(bytes_of(b)) + ", scope '" + graph_.scopes()[scope].name + "') does not fit: " + bytes_text(ring.used) + " of " +
           bytes_text(ring.capacity) + " are held until their scopes exit and their readers finish (oldest: " + holder +
           "), and none of them can be released before this task is submitted; enlarge the ring (at least " +
           bytes_text(ring.used + bytes_of(b)) + ") or release staging at last use";
  }
  return "staging rings deadlocked at task '" + graph_.task(task).label() + "'";
}

std::vector<RingUsage> StagingTracker::ring_usage() const {
  std::vector<RingUsage> out;
  for (std::size_t d = 0; d < rings_.size(); ++d)
    out.push_back(RingUsage{"ring depth " + std::to_string(d), static_cast<int>(d), rings_[d].capacity, rings_[d].peak});
  return out;
}

std::size_t StagingTracker::state_bytes() const {
  std::size_t bytes = scope_depth_.capacity() * sizeof(int) + scope_tasks_left_.capacity() * 4 +
                      users_left_.capacity() * 4 + live_.capacity() + in_ring_.capacity() + released_.capacity() +
                      scope_exited_.capacity();
  bytes += first_use_.bytes() + staging_args_.bytes();
  for (const auto& v : scope_buffers_) bytes += sizeof(v) + v.capacity() * 4;
  for (const auto& r : rings_) bytes += sizeof(r) + r.entries.size() * sizeof(RingEntry);
  return bytes;
}

}  // namespace tg
