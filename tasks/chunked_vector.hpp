#pragma once
// ChunkedVector: a growable sequence in fixed-size chunks. Elements never move while it
// grows (a std::vector moves every element on each doubling, and a Task is ~340 bytes), and
// take_all() hands them over as one exactly-sized std::vector: no capacity slack is left in
// the result, where a doubled vector keeps up to half of its bytes unused.
// Cost: emplace_back O(1), one allocation per kChunk elements; take_all O(n) moves.
//
// Chunks are mapped from the OS directly (Linux), so the one take_all() moved out is
// unmapped at once: from malloc's arena a freed chunk stays resident, and a 10^6-task scope
// then peaked at its tasks twice (the chunks and the graph's array, 1,236 MB).
#include <cstddef>
#include <new>
#include <stdexcept>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tg {

namespace detail {
template <class T> class MappedChunkAllocator {
 public:
  using value_type = T;
  MappedChunkAllocator() = default;
  template <class U> MappedChunkAllocator(const MappedChunkAllocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
#if defined(__linux__)
    void* p = mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(p);
#else
    return static_cast<T*>(::operator new(n * sizeof(T)));
#endif
  }
  void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__)
    munmap(p, n * sizeof(T));
#else
    (void)n;
    ::operator delete(p);
#endif
  }
  template <class U> friend bool operator==(const MappedChunkAllocator&, const MappedChunkAllocator<U>&) { return true; }
};
}  // namespace detail

template <class T, std::size_t kChunk = 1024>
class ChunkedVector {
 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](std::size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](std::size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  T& at(std::size_t i) {
    if (i >= size_) throw std::out_of_range("ChunkedVector::at");
    return (*this)[i];
  }
  const T& at(std::size_t i) const {
    if (i >= size_) throw std::out_of_range("ChunkedVector::at");
    return (*this)[i];
  }

  template <class... A> T& emplace_back(A&&... args) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);
    }
    T& t = chunks_.back().emplace_back(std::forward<A>(args)...);
    ++size_;
    return t;
  }
  void pop_back() {
    chunks_.back().pop_back();
    if (chunks_.back().empty()) chunks_.pop_back();
    --size_;
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
  }

  // Every element, moved into one vector of exactly size() capacity; leaves this empty.
  std::vector<T> take_all() {
    std::vector<T> out;
    out.reserve(size_);
    for (auto& chunk : chunks_) {
      for (T& t : chunk) out.push_back(std::move(t));
      chunk = Chunk();  // unmaps the chunk as soon as it is moved out
    }
    clear();
    return out;
  }

 private:
  using Chunk = std::vector<T, detail::MappedChunkAllocator<T>>;
  std::vector<Chunk> chunks_;
  std::size_t size_ = 0;
};

}  // namespace tg
