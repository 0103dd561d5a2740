#pragma once
// StagingPool: an executor's staging memory, one arena reused across runs (grown, never
// shrunk, when a bigger graph comes), re-initialised for every run. Cost per run: one fill
// of the staging bytes (memset or a per-dtype poison pattern).
#include <cstddef>
#include <memory>
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

 private:
  struct Free {
    void operator()(std::byte* p) const;
  };
  std::unique_ptr<std::byte, Free> arena_;
  std::size_t capacity_ = 0;
};

// Fills `bytes` of `dtype` elements at `data` as `fill` says.
void fill_staging(std::byte* data, std::size_t bytes, DType dtype, StagingFill fill);

// The memory of one run: the caller's Bindings plus the executor's staging. Brackets the
// Bindings' use (begin_run / end_run) for the run's lifetime.
class RunMemory {
 public:
  // memory null: no Bindings (every non-staging buffer stays unbound).
  RunMemory(const Graph& graph, Bindings* memory, StagingPool& pool, const RunOptions& options);
  ~RunMemory();
  RunMemory(const RunMemory&) = delete;
  RunMemory& operator=(const RunMemory&) = delete;

  std::byte* const* table() const { return table_.data(); }
  // Moves outputs (and kept staging) into the result.
  void fill_result(const Graph& graph, RunResult& result);

 private:
  Bindings* bindings_;
  std::vector<std::byte*> table_;
  std::vector<Tensor> kept_;
};

}  // namespace tg
