#pragma once
// Shapes and boxes: a box is offsets + sizes per dim in some row-major frame.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace tg {

using Shape = std::vector<std::int64_t>;

inline constexpr std::size_t kMaxRank = 8;

// Per-dim values of a box, stored inline: boxes are made and compared on the hot path of
// dependency inference, where a heap allocation per box would dominate the cost.
class Dims {
 public:
  Dims() = default;
  explicit Dims(std::size_t rank, std::int64_t value = 0);
  Dims(std::initializer_list<std::int64_t> values);
  Dims(const Shape& values);  // NOLINT: implicit, Shapes and Dims mix freely
  operator Shape() const { return Shape(begin(), end()); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::int64_t& operator[](std::size_t i) { return values_[i]; }
  std::int64_t operator[](std::size_t i) const { return values_[i]; }
  std::int64_t back() const { return values_[size_ - 1]; }
  std::int64_t front() const { return values_[0]; }
  // Bounds-checked like std::vector::at: throws std::out_of_range.
  std::int64_t at(std::size_t i) const;
  std::int64_t* begin() { return values_.data(); }
  std::int64_t* end() { return values_.data() + size_; }
  const std::int64_t* begin() const { return values_.data(); }
  const std::int64_t* end() const { return values_.data() + size_; }
  void push_back(std::int64_t v);
  friend bool operator==(const Dims& a, const Dims& b) {
    if (a.size_ != b.size_) return false;
    for (std::size_t i = 0; i < a.size_; ++i)
      if (a.values_[i] != b.values_[i]) return false;
    return true;
  }
  friend bool operator==(const Dims& a, const Shape& b) {
    if (a.size_ != b.size()) return false;
    for (std::size_t i = 0; i < a.size_; ++i)
      if (a.values_[i] != b[i]) return false;
    return true;
  }

 private:
  std::size_t size_ = 0;  // first: rank-2 boxes then read one cache line per Dims
  std::array<std::int64_t, kMaxRank> values_{};
};

struct Box {
  Dims offsets;
  Dims sizes;

  int rank() const { return static_cast<int>(sizes.size()); }
  std::int64_t numel() const;
  bool empty() const { return numel() == 0; }
  friend bool operator==(const Box&, const Box&) = default;
};

std::int64_t numel_of(const Shape& shape);
std::int64_t numel_of(const Dims& dims);
std::string to_string(const Shape& shape);           // "[16, 7168]"
std::string box_to_string(const Box& box);           // "[0:16, 64:128]"
Shape row_major_strides(const Shape& shape);

// Intersection of two boxes of equal rank; nullopt when they are disjoint.
// Cost: O(rank).
std::optional<Box> intersect(const Box& a, const Box& b);

// a minus b as at most 2 * rank disjoint boxes. Cost: O(rank^2).
std::vector<Box> subtract(const Box& a, const Box& b);

// Whether `inner` lies entirely inside `outer`.
bool contains(const Box& outer, const Box& inner);

// A half-open flat element range [first, last) of a row-major `shape`, cut into at most
// 2 * rank - 1 boxes, in order.
std::vector<Box> flat_range_to_boxes(std::int64_t first, std::int64_t last, const Shape& shape);

}  // namespace tg
