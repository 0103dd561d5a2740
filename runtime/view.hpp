#pragma once
// View: a strided box inside a buffer, what a task argument names. A view made by
// slicing is a box in the buffer's own coordinates; `reshape` of a contiguous view gives a
// new row-major frame over the same elements, and slices of that frame are still exact.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "runtime/box.hpp"
#include "runtime/buffer.hpp"

namespace tg {

class View {
 public:
  View() = default;
  explicit View(Buffer& buffer);  // the whole buffer

  bool valid() const { return buffer_ != nullptr; }
  Buffer& buffer() const { return *buffer_; }
  DType dtype() const { return buffer_->dtype(); }
  int rank() const { return static_cast<int>(sizes_.size()); }
  const Shape& sizes() const { return sizes_; }
  std::int64_t size(int dim) const { return sizes_.at(static_cast<std::size_t>(dim)); }
  const Shape& strides() const { return strides_; }  // in elements of the buffer
  std::int64_t base() const { return base_; }         // flat element offset of element 0
  std::int64_t numel() const { return numel_of(sizes_); }
  std::size_t bytes() const { return static_cast<std::size_t>(numel()) * size_of(dtype()); }

  // Sub-views, relative to this view. Out-of-bounds, rank mismatch or non-positive sizes
  // throw ShapeError naming the buffer and the requested box.
  View slice(const Shape& offsets, const Shape& sizes) const;
  View rows(std::int64_t start, std::int64_t count) const;  // dim 0
  View cols(std::int64_t start, std::int64_t count) const;  // last dim
  View reshape(const Shape& shape) const;                    // contiguous views only
  View flatten() const { return reshape({numel()}); }

  bool is_contiguous() const;
  // The box in buffer coordinates when this view is one (no reshape in its history).
  const std::optional<Box>& box() const { return box_; }
  // The exact element set as disjoint boxes in buffer coordinates, in flat order.
  std::vector<Box> buffer_boxes() const;

  // "q_proj[0:16, 32:96]", or "q_proj{[0:16, 0:192] as [128, 24]}[0:4, 0:24]" after a reshape.
  std::string describe() const;

  // Element access. `offset_of` is in elements from the buffer start.
  std::int64_t offset_of(std::initializer_list<std::int64_t> index) const;
  template <class T> T* data() const { return buffer_->data_as<T>() + base_; }
  template <class T> T& at(std::initializer_list<std::int64_t> index) const {
    return buffer_->data_as<T>()[offset_of(index)];
  }
  // Row r of a rank-2 view whose last dim is contiguous.
  template <class T> T* row(std::int64_t r) const { return data<T>() + r * strides_.at(0); }
  std::int64_t row_stride() const { return strides_.at(0); }

  friend bool operator==(const View& a, const View& b) {
    return a.buffer_ == b.buffer_ && a.base_ == b.base_ && a.sizes_ == b.sizes_ &&
           a.strides_ == b.strides_;
  }

 private:
  Buffer* buffer_ = nullptr;
  std::int64_t base_ = 0;
  Shape sizes_;
  Shape strides_;
  std::optional<Box> box_;
  std::string frame_;  // set after a reshape: how this frame maps onto the buffer
  Box frame_box_;      // this view's box inside its frame (for describe)
};

// Exact overlap of two views (false for views of different buffers).
// Cost: O(1) for two boxes; O(p * q) for views that decompose into p and q boxes.
bool overlaps(const View& a, const View& b);
// The overlapping part: exact when both views are boxes, otherwise the first overlapping
// box of their decompositions.
std::optional<Box> overlap_region(const View& a, const View& b);

}  // namespace tg
