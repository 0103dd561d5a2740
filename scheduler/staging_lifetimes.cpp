#include "scheduler/staging_lifetimes.hpp"

#include <thread>

#include "runtime/bytes_text.hpp"
#include "runtime/error.hpp"

namespace tg {

void StagingLifetimes::begin(const Graph& graph, std::byte** table, StagingPool& pool, StagingFill fill) {
  graph_ = &graph;
  table_ = table;
  pool_ = &pool;
  fill_ = fill;
  const auto& buffers = graph.buffers();
  active_ = false;
  for (const auto& b : buffers) active_ = active_ || b->role() == Role::Staging;
  if (!active_) return;
  const std::size_t n = graph.num_tasks(), nb = buffers.size();
  constexpr TaskId kNone = static_cast<TaskId>(-1);
  users_.assign(nb, 0);
  last_user_.assign(nb, kNone);
  begin_.resize(n + 1);
  uses_.clear();
  for (TaskId t = 0; t < n; ++t) {
    begin_[t] = static_cast<std::uint32_t>(uses_.size());
    for (const Arg& a : graph.task(t).args) {
      const Buffer& b = a.view.buffer();
      if (b.role() != Role::Staging || last_user_[b.id()] == t) continue;
      last_user_[b.id()] = t;
      uses_.push_back(Use{b.id(), users_[b.id()]++});
    }
  }
  begin_[n] = static_cast<std::uint32_t>(uses_.size());
  std::size_t nodes = 0;
  for (std::uint32_t b = 0; b < nb; ++b)
    if (users_[b]) nodes += CountdownTree::nodes_for(users_[b]);
  const std::span<CountdownNode> node_span = nodes_store_.first(nodes);
  held_ = held_store_.first(nb);
  std::size_t base = 0;
  for (std::uint32_t b = 0; b < nb; ++b) {
    held_[b].state.store(kFree, std::memory_order_relaxed);
    if (!users_[b]) continue;
    const std::size_t used = CountdownTree::nodes_for(users_[b]);
    held_[b].users_left = CountdownTree(node_span.subspan(base, used), users_[b]);
    base += used;
  }
}

std::exception_ptr StagingLifetimes::acquire_uses(TaskId t) {
  for (std::uint32_t u = begin_[t]; u < begin_[t + 1]; ++u) {
    const std::uint32_t b = uses_[u].buffer;
    Held& h = held_[b];
    std::uint8_t state = h.state.load(std::memory_order_acquire);
    if (state == kFree && h.state.compare_exchange_strong(state, kTaking, std::memory_order_acq_rel)) {
      const Buffer& buffer = *graph_->buffers()[b];
      std::byte* p = pool_->take(buffer.bytes());
      if (p) {
        fill_staging(p, buffer.bytes(), buffer.dtype(), fill_);
        table_[b] = p;
      }
      state = p ? kHeld : kFailed;
      h.state.store(state, std::memory_order_release);
    }
    // Another user takes it right now: it only fills memory, so waiting is short.
    while (state == kTaking) {
      std::this_thread::yield();
      state = h.state.load(std::memory_order_acquire);
    }
    if (state == kFailed) {
      const Buffer& buffer = *graph_->buffers()[b];
      const Task& task = graph_->task(t);
      return std::make_exception_ptr(
          Error(ErrorContext{.scope = graph_->name(), .task_id = t, .task = task.label(), .buffer = buffer.name()},
                "cannot allocate " + bytes_text(buffer.bytes()) + " of staging memory for buffer '" + buffer.name() +
                    "'; make the staging buffers smaller or free host memory"));
    }
  }
  return nullptr;
}

void StagingLifetimes::retire_uses(TaskId t) {
  for (std::uint32_t u = begin_[t]; u < begin_[t + 1]; ++u) {
    const Use use = uses_[u];
    Held& h = held_[use.buffer];
    if (!h.users_left.arrive(use.position)) continue;
    // The last user: nobody touches the buffer again this run.
    if (h.state.load(std::memory_order_acquire) == kHeld) {
      pool_->give_back(table_[use.buffer], graph_->buffers()[use.buffer]->bytes());
      table_[use.buffer] = nullptr;
    }
    h.state.store(kFree, std::memory_order_relaxed);
  }
}

std::uint64_t StagingLifetimes::end() {
  if (!active_) return 0;
  // A stopped run retires every task too (skipped ones included), so nothing is held here.
  const std::uint64_t peak = pool_->peak_held_bytes();
  pool_->settle();
  active_ = false;
  return peak;
}

}  // namespace tg
