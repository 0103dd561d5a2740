#pragma once
// ReusableArray: an array kept from one run to the next, grown when a bigger graph comes,
// never shrunk, so a run of a graph no bigger than the last allocates nothing. For
// elements a std::vector cannot hold (atomics cannot be moved); the caller re-initialises
// the elements it uses every run.
#include <cstddef>
#include <memory>
#include <span>

namespace tg {

template <class T> class ReusableArray {
 public:
  // The first `n` elements, valid until the next call; their values are whatever the
  // previous run left (default-constructed when new).
  std::span<T> first(std::size_t n) {
    if (n > capacity_) {
      data_ = std::make_unique<T[]>(n);
      capacity_ = n;
    }
    return {data_.get(), n};
  }
  std::size_t capacity() const { return capacity_; }

 private:
  std::unique_ptr<T[]> data_;
  std::size_t capacity_ = 0;
};

}  // namespace tg
