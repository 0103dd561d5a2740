#pragma once
// View: a strided box inside a buffer, what a task argument names. A view made by
// slicing is a box in the buffer's own coordinates; `reshape` of a contiguous view gives a
// new row-major frame over the same elements, and slices of that frame are still exact.
//
// A view is structure; it is *bound* when it also knows where its buffer's memory is (a
// Tensor's view(), or what a kernel gets from TaskContext). Only bound views give data.
//
// A slice or reshape that does not fit gives a *defective* view instead of throwing at once,
// so the error can name the task it was meant for: submitting it throws the ShapeError with
// the task and argument added; reading its data, or any other use that needs its elements,
// throws it as it is. valid() is false for a defective view.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/box.hpp"
#include "runtime/buffer.hpp"

namespace tg {

class Tensor;

class View {
 public:
  View() = default;
  explicit View(const Buffer& buffer);  // the whole buffer, unbound
  explicit View(const Tensor& tensor);  // the whole tensor, bound to its memory (Tensor::view())

  bool valid() const { return buffer_ != nullptr && !defective_; }
  // The ShapeError a bad slice or reshape recorded (nullptr for a good view).
  const ShapeError* defect() const { return defective_ ? &*rare_->defect : nullptr; }
  [[noreturn]] void throw_defect() const;
  const Buffer& buffer() const { return *buffer_; }
  bool has_buffer() const { return buffer_ != nullptr; }

  // Memory: `buffer_memory` is element 0 of the buffer (not of this view).
  bool bound() const { return memory_ != nullptr; }
  View bind(std::byte* buffer_memory) const {
    View r = *this;
    r.memory_ = buffer_memory;
    return r;
  }
  DType dtype() const { return buffer_->dtype(); }
  int rank() const { return static_cast<int>(frame_box_.sizes.size()); }
  const Dims& sizes() const { return frame_box_.sizes; }
  std::int64_t size(int dim) const { return frame_box_.sizes.at(static_cast<std::size_t>(dim)); }
  // In elements of the buffer: the buffer's own row-major strides unless reshaped.
  const Dims& strides() const {
    if (rare_ && rare_->reshaped) return rare_->strides;
    return buffer_ ? buffer_->stride_dims() : no_dims();
  }
  std::int64_t base() const { return base_; }        // flat element offset of element 0
  std::int64_t numel() const { return numel_of(frame_box_.sizes); }
  std::size_t bytes() const { return static_cast<std::size_t>(numel()) * size_of(dtype()); }

  // The whole buffer this view is in, bound to the same memory as this view.
  View whole() const { return View(*buffer_).bind(memory_); }

  // Sub-views, relative to this view. Out-of-bounds, rank mismatch or non-positive sizes
  // throw ShapeError naming the buffer and the requested box.
  View slice(const Dims& offsets, const Dims& sizes) const;
  View rows(std::int64_t start, std::int64_t count) const;  // dim 0
  View cols(std::int64_t start, std::int64_t count) const;  // last dim
  View reshape(const Shape& shape) const;                    // contiguous views only
  View flatten() const { return reshape({numel()}); }

  bool is_contiguous() const;
  // The box in buffer coordinates when this view is one (no reshape in its history), else
  // null. Valid while the view lives.
  const Box* box() const { return is_box_ ? &frame_box_ : nullptr; }
  // The exact element set as disjoint boxes in buffer coordinates, in flat order.
  std::vector<Box> buffer_boxes() const;

  // "q_proj[0:16, 32:96]", or "q_proj{[0:16, 0:192] as [128, 24]}[0:4, 0:24]" after a reshape.
  std::string describe() const;

  // Element access. `offset_of` is in elements from the buffer start.
  std::int64_t offset_of(std::initializer_list<std::int64_t> index) const;
  // Typed pointer to element 0 of the view. Throws ShapeError on a dtype mismatch, on a
  // defective view, or when the view is not bound to memory.
  template <class T> T* data() const { return reinterpret_cast<T*>(memory_for(dtype_of<T>())) + base_; }
  // Element 0 of the view as bytes, any dtype (same checks as data<T>(), but the dtype's).
  std::byte* bytes_data() const {
    return memory_for(buffer_ ? buffer_->dtype() : DType::FP32) + static_cast<std::size_t>(base_) * size_of(dtype());
  }
  template <class T> T& at(std::initializer_list<std::int64_t> index) const {
    return reinterpret_cast<T*>(memory_for(dtype_of<T>()))[offset_of(index)];
  }
  // Row r of a rank-2 view whose last dim is contiguous.
  template <class T> T* row(std::int64_t r) const { return data<T>() + r * strides().at(0); }
  std::int64_t row_stride() const { return strides().at(0); }

  friend bool operator==(const View& a, const View& b) {
    return a.buffer_ == b.buffer_ && a.defect() == b.defect() && a.base_ == b.base_ &&
           a.frame_box_.sizes == b.frame_box_.sizes && a.strides() == b.strides();
  }

 private:
  std::byte* memory_for(DType dtype) const;
  View defective(ShapeError error) const;

  // The rare parts, shared by copies: how a reshaped frame maps onto the buffer (its text and
  // strides), and the error of a bad slice or reshape.
  struct Rare {
    bool reshaped = false;
    std::string frame;  // "q_proj[0:16, 0:192] as [128, 24]"
    Dims strides;       // of the reshaped frame
    std::optional<ShapeError> defect;
  };
  static const Dims& no_dims();

  // Inline and without heap parts but the rare shared one: a view is copied into every task
  // argument, so its copy is on the hot path of a scope build, and its size is most of an
  // argument's. An unreshaped view's strides are its buffer's (Buffer::stride_dims()).
  const Buffer* buffer_ = nullptr;
  std::byte* memory_ = nullptr;  // element 0 of the buffer, when bound
  std::int64_t base_ = 0;
  Box frame_box_;        // this view's box inside its frame; its sizes are the view's sizes
  bool is_box_ = false;  // the frame is the buffer's own: frame_box_ is in buffer coordinates
  bool defective_ = false;  // rare_->defect holds the error
  std::shared_ptr<const Rare> rare_;
};

// Exact overlap of two views (false for views of different buffers).
// Cost: O(1) for two boxes; O(p * q) for views that decompose into p and q boxes.
bool overlaps(const View& a, const View& b);
// The overlapping part: exact when both views are boxes, otherwise the first overlapping
// box of their decompositions.
std::optional<Box> overlap_region(const View& a, const View& b);

}  // namespace tg
