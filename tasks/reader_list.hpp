#pragma once
// ReaderList: the readers of one live region since its last write. Most regions have one
// or two readers before they are rewritten, so the first few live inline and only a widely
// read region (a weight every task reads) allocates. 40 bytes: the list sits in the hot
// per-region state, where a 24-byte empty std::vector would cost as much as the readers.
#include <array>
#include <cstdint>
#include <memory>
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
  ReaderList(const ReaderList& other) : size_(other.size_), inline_(other.inline_) {
    if (other.overflow_) overflow_ = std::make_unique<std::vector<RegionReader>>(*other.overflow_);
  }
  ReaderList& operator=(const ReaderList& other) {
    if (this != &other) *this = ReaderList(other);
    return *this;
  }
  ReaderList(ReaderList&&) noexcept = default;
  ReaderList& operator=(ReaderList&&) noexcept = default;

  void push_back(RegionReader r) {
    if (size_ < kInline) {
      inline_[size_] = r;
    } else {
      if (!overflow_) overflow_ = std::make_unique<std::vector<RegionReader>>();
      overflow_->push_back(r);
    }
    ++size_;
  }
  // Keeps the overflow's capacity: a widely read region is usually read widely again.
  void clear() {
    size_ = 0;
    if (overflow_) overflow_->clear();
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  const RegionReader& operator[](std::size_t i) const { return i < kInline ? inline_[i] : (*overflow_)[i - kInline]; }

  template <class Fn> void for_each(Fn&& fn) const {
    const std::size_t n = size_ < kInline ? size_ : kInline;
    for (std::size_t i = 0; i < n; ++i) fn(inline_[i]);
    if (size_ > kInline)
      for (const auto& r : *overflow_) fn(r);
  }

 private:
  static constexpr std::uint32_t kInline = 3;
  std::uint32_t size_ = 0;
  std::array<RegionReader, kInline> inline_{};
  std::unique_ptr<std::vector<RegionReader>> overflow_;
};

}  // namespace tg
