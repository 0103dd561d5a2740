#pragma once
// Measured memory of a simulated run: the run's containers allocate through a
// MeteredAllocator, which adds every allocation to one MemoryMeter (live and peak bytes).
// A member added later is counted without anyone updating a formula.
#include <cstddef>
#include <vector>

namespace tg::sim {

struct MemoryMeter {
  std::size_t live_bytes = 0;
  std::size_t peak_bytes = 0;
  void add(std::size_t bytes) {
    live_bytes += bytes;
    if (live_bytes > peak_bytes) peak_bytes = live_bytes;
  }
  void remove(std::size_t bytes) { live_bytes -= bytes; }
};

template <class T>
class MeteredAllocator {
 public:
  using value_type = T;
  explicit MeteredAllocator(MemoryMeter& meter) : meter_(&meter) {}
  template <class U>
  MeteredAllocator(const MeteredAllocator<U>& other) : meter_(other.meter()) {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    T* p = std::allocator<T>{}.allocate(n);
    meter_->add(n * sizeof(T));
    return p;
  }
  void deallocate(T* p, std::size_t n) {
    meter_->remove(n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }
  MemoryMeter* meter() const { return meter_; }
  template <class U>
  bool operator==(const MeteredAllocator<U>& o) const { return meter_ == o.meter(); }

 private:
  MemoryMeter* meter_;
};

template <class T>
using MeteredVector = std::vector<T, MeteredAllocator<T>>;

}  // namespace tg::sim
