#pragma once
// ReaderList: the readers of one live region since its last write. Most regions have one
// or two readers before they are rewritten, so the first few live inline and only a widely
// read region (a weight every task reads) allocates.
#include <array>
#include <cstdint>
#include <vector>

#include "tasks/task.hpp"

namespace tg {

struct RegionReader {
  TaskId task;
  int arg;
};

class ReaderList {
 public:
  ReaderList() = default;

  void push_back(RegionReader r) {
    if (size_ < kInline) inline_[size_] = r;
    else overflow_.push_back(r);
    ++size_;
  }
  void clear() {
    size_ = 0;
    overflow_.clear();
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const RegionReader& operator[](std::size_t i) const { return i < kInline ? inline_[i] : overflow_[i - kInline]; }

  template <class Fn> void for_each(Fn&& fn) const {
    const std::size_t n = size_ < kInline ? size_ : kInline;
    for (std::size_t i = 0; i < n; ++i) fn(inline_[i]);
    for (const auto& r : overflow_) fn(r);
  }

 private:
  static constexpr std::size_t kInline = 3;
  std::uint32_t size_ = 0;
  std::array<RegionReader, kInline> inline_{};
  std::vector<RegionReader> overflow_;
};

}  // namespace tg
