#pragma once
// Shapes and boxes: a box is offsets + sizes per dim in some row-major frame.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tg {

using Shape = std::vector<std::int64_t>;

struct Box {
  Shape offsets;
  Shape sizes;

  int rank() const { return static_cast<int>(sizes.size()); }
  std::int64_t numel() const;
  bool empty() const { return numel() == 0; }
  friend bool operator==(const Box&, const Box&) = default;
};

std::int64_t numel_of(const Shape& shape);
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
