#include "scheduler/staging_pool.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "runtime/bf16.hpp"
#include "runtime/bytes_text.hpp"

namespace tg {

void StagingPool::Free::operator()(std::byte* p) const { std::free(p); }

StagingPool::StagingPool() = default;
StagingPool::~StagingPool() = default;

namespace {

constexpr std::size_t kAlign = 64;
std::size_t aligned(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

template <class T> void fill_pattern(std::byte* data, std::size_t bytes, T value) {
  const std::size_t n = bytes / sizeof(T);
  for (std::size_t i = 0; i < n; ++i) std::memcpy(data + i * sizeof(T), &value, sizeof(T));
}

}  // namespace

void fill_staging(std::byte* data, std::size_t bytes, DType dtype, StagingFill fill) {
  if (fill == StagingFill::Zero) {
    std::memset(data, 0, bytes);
    return;
  }
  switch (dtype) {
    case DType::FP32: fill_pattern<std::uint32_t>(data, bytes, 0x7FC00000u); break;  // quiet NaN
    case DType::BF16: fill_pattern<std::uint16_t>(data, bytes, 0x7FC0u); break;
    case DType::FP16: fill_pattern<std::uint16_t>(data, bytes, 0x7E00u); break;
    default: std::memset(data, 0x5A, bytes); break;
  }
}

void StagingPool::provide(const Graph& graph, std::vector<std::byte*>& memory, StagingFill fill,
                          std::vector<Tensor>* kept) {
  memory.resize(graph.buffers().size(), nullptr);
  if (kept) {
    for (const auto& b : graph.buffers()) {
      if (b->role() != Role::Staging) continue;
      Tensor t(b->name(), b->dtype(), b->shape());
      if (fill != StagingFill::Zero) fill_staging(t.data(), t.bytes(), t.dtype(), fill);
      memory[b->id()] = t.data();
      kept->push_back(std::move(t));
    }
    return;
  }
  std::size_t need = 0;
  for (const auto& b : graph.buffers())
    if (b->role() == Role::Staging) need += aligned(b->bytes());
  if (need > capacity_) {
    arena_.reset();
    auto* p = static_cast<std::byte*>(std::aligned_alloc(kAlign, need));
    if (!p) throw Error(ErrorContext{.scope = graph.name()}, "cannot allocate " + bytes_text(need) + " of staging memory");
    arena_.reset(p);
    capacity_ = need;
  }
  std::size_t offset = 0;
  for (const auto& b : graph.buffers()) {
    if (b->role() != Role::Staging) continue;
    std::byte* p = arena_.get() + offset;
    fill_staging(p, b->bytes(), b->dtype(), fill);
    memory[b->id()] = p;
    offset += aligned(b->bytes());
  }
}

std::byte* StagingPool::take(std::size_t bytes) {
  const std::size_t size = aligned(bytes);
  std::lock_guard lock(mutex_);
  if (!free_armed_) {
    free_.clear();
    if (capacity_) free_.push_back(Range{0, capacity_});
    free_armed_ = true;
  }
  std::byte* p = nullptr;
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->bytes < size) continue;
    p = arena_.get() + it->offset;
    it->offset += size;
    it->bytes -= size;
    if (it->bytes == 0) free_.erase(it);
    break;
  }
  if (!p) {
    p = static_cast<std::byte*>(std::aligned_alloc(kAlign, size));
    if (!p) return nullptr;
    own_blocks_bytes_ += size;
    peak_own_blocks_bytes_ = std::max(peak_own_blocks_bytes_, own_blocks_bytes_);
  }
  held_ += bytes;
  peak_held_ = std::max(peak_held_, held_);
  return p;
}

void StagingPool::give_back(std::byte* p, std::size_t bytes) {
  const std::size_t size = aligned(bytes);
  std::lock_guard lock(mutex_);
  held_ -= bytes;
  std::byte* const base = arena_.get();
  if (!base || p < base || p >= base + capacity_) {
    std::free(p);
    own_blocks_bytes_ -= size;
    return;
  }
  const std::size_t offset = static_cast<std::size_t>(p - base);
  auto next = std::lower_bound(free_.begin(), free_.end(), offset, [](const Range& r, std::size_t o) { return r.offset < o; });
  // Coalesce with the free neighbours, so that a later, larger buffer fits where two were.
  const bool joins_previous = next != free_.begin() && std::prev(next)->offset + std::prev(next)->bytes == offset;
  const bool joins_next = next != free_.end() && offset + size == next->offset;
  if (joins_previous && joins_next) {
    std::prev(next)->bytes += size + next->bytes;
    free_.erase(next);
  } else if (joins_previous) {
    std::prev(next)->bytes += size;
  } else if (joins_next) {
    next->offset = offset;
    next->bytes += size;
  } else {
    free_.insert(next, Range{offset, size});
  }
}

void StagingPool::settle() {
  std::lock_guard lock(mutex_);
  if (peak_own_blocks_bytes_ > 0) {
    const std::size_t grown = capacity_ + peak_own_blocks_bytes_;
    auto* p = static_cast<std::byte*>(std::aligned_alloc(kAlign, grown));
    if (p) {  // else the next run takes blocks of its own again
      arena_.reset(p);
      capacity_ = grown;
    }
  }
  free_armed_ = false;
  held_ = peak_held_ = 0;
  own_blocks_bytes_ = peak_own_blocks_bytes_ = 0;
}

RunMemory::RunMemory(const Graph& graph, Bindings* memory, StagingPool& pool, const RunOptions& options, Staging staging)
    : bindings_(memory), staging_provided_(staging == Staging::WholeRun || options.keep_staging) {
  // Claim the Bindings first: memory_for() may allocate outputs, which must not race with
  // another run holding them.
  if (bindings_) bindings_->begin_run();
  try {
    if (bindings_)
      table_ = bindings_->memory_for(graph);
    else
      table_.assign(graph.buffers().size(), nullptr);
    if (staging_provided_) pool.provide(graph, table_, options.staging_fill, options.keep_staging ? &kept_ : nullptr);
  } catch (...) {
    if (bindings_) bindings_->release();
    throw;
  }
}

RunMemory::~RunMemory() {
  if (bindings_) bindings_->end_run();
}

void RunMemory::fill_result(const Graph& graph, RunResult& result) {
  if (bindings_)
    for (const auto& b : graph.buffers())
      if (b->role() == Role::Output || b->role() == Role::InOut) result.add_output(bindings_->tensor(b->name()));
  for (auto& t : kept_) result.add_staging(std::move(t));
  kept_.clear();
}

}  // namespace tg
