#pragma once
// StagingPool: an executor's staging memory, one arena reused across runs (grown, never
// shrunk, when a bigger graph comes), re-initialised for every run. Cost per run: one fill
// of the staging bytes (memset or a per-dtype poison pattern).
//
// Two ways to use it: provide() lays every staging buffer out for the whole run (the
// simulator's functional replay); take() / give_back() hold a buffer only while it is in use
// (the host executor: from its first user's start to its last user's end), first fit in
// the arena, and settle() after such a run sizes the arena for the next one.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/tensor.hpp"
#include "tasks/executor.hpp"
#include "tasks/graph.hpp"

namespace tg {

class StagingPool {
 public:
  StagingPool();
  ~StagingPool();
  StagingPool(const StagingPool&) = delete;
  StagingPool& operator=(const StagingPool&) = delete;

  // Sets memory[id] for every staging buffer of `graph`, filled as `fill` says. With `kept`,
  // each staging buffer gets a fresh Tensor appended there instead of pool memory.
  void provide(const Graph& graph, std::vector<std::byte*>& memory, StagingFill fill, std::vector<Tensor>* kept);
  std::size_t capacity_bytes() const { return capacity_; }

  // Thread-safe. take() returns `bytes` (64-byte aligned) of unfilled memory, or null when
  // the system has none; a buffer that does not fit the arena gets a block of its own.
  // `held` counts toward the peak, from take() to give_back().
  std::byte* take(std::size_t bytes);
  void give_back(std::byte* p, std::size_t bytes);
  // After a run of take() / give_back() (every block given back): frees the blocks of their
  // own and grows the arena by their peak, so that the next run fits in it.
  void settle();
  // The most bytes held at once since the last settle().
  std::uint64_t peak_held_bytes() const { return peak_held_; }

 private:
  struct Free {
    void operator()(std::byte* p) const;
  };
  struct Range {
    std::size_t offset, bytes;
  };
  std::unique_ptr<std::byte, Free> arena_;
  std::size_t capacity_ = 0;
  std::mutex mutex_;
  std::vector<Range> free_;  // sorted by offset, coalesced; reset by settle()
  bool free_armed_ = false;
  std::uint64_t held_ = 0, peak_held_ = 0;
  std::size_t own_blocks_bytes_ = 0, peak_own_blocks_bytes_ = 0;
};

// Fills `bytes` of `dtype` elements at `data` as `fill` says.
void fill_staging(std::byte* data, std::size_t bytes, DType dtype, StagingFill fill);

// The memory of one run: the caller's Bindings plus the executor's staging. Brackets the
// Bindings' use (begin_run / end_run) for the run's lifetime.
class RunMemory {
 public:
  // Whole run: every staging buffer is in the table from the start. AtUse: staging entries
  // stay null for the executor to fill while the run goes (StagingLifetimes), except with
  // RunOptions::keep_staging, whose fresh tensors are held for the whole run.
  enum class Staging { WholeRun, AtUse };
  // memory null: no Bindings (every non-staging buffer stays unbound).
  RunMemory(const Graph& graph, Bindings* memory, StagingPool& pool, const RunOptions& options,
            Staging staging = Staging::WholeRun);
  ~RunMemory();
  RunMemory(const RunMemory&) = delete;
  RunMemory& operator=(const RunMemory&) = delete;

  std::byte* const* table() const { return table_.data(); }
  std::byte** table() { return table_.data(); }
  // Whether the staging buffers were all provided up front (WholeRun or keep_staging).
  bool staging_provided() const { return staging_provided_; }
  // Moves outputs (and kept staging) into the result.
  void fill_result(const Graph& graph, RunResult& result);

 private:
  Bindings* bindings_;
  bool staging_provided_ = true;
  std::vector<std::byte*> table_;
  std::vector<Tensor> kept_;
};

}  // namespace tg
