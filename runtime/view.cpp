#include "runtime/view.hpp"

#include <algorithm>

namespace tg {

View::View(const Buffer& buffer) : buffer_(&buffer), base_(0), frame_box_(buffer.full_box()), is_box_(true) {}

const Dims& View::no_dims() {
  static const Dims none{};  // braces: clang 14 wants them for a const of a class with an anonymous union
  return none;
}

void View::throw_defect() const {
  if (defective_) throw *rare_->defect;
  throw ShapeError("a view of no buffer was used; make views from a Scope's buffers or a Tensor");
}

View View::defective(ShapeError error) const {
  View r = *this;
  auto rare = rare_ ? std::make_shared<Rare>(*rare_) : std::make_shared<Rare>();
  rare->defect = std::move(error);
  r.rare_ = std::move(rare);
  r.defective_ = true;
  return r;
}

std::byte* View::memory_for(DType dtype) const {
  if (!valid()) throw_defect();
  buffer_->check_dtype(dtype);
  if (!memory_)
    throw ShapeError(ErrorContext{.buffer = buffer_->name()},
                     "view " + describe() + " is not bound to memory: a Graph's views are structure only; "
                     "kernels get bound views from their TaskContext, other code from a Tensor (Tensor::view())");
  return memory_;
}

View View::slice(const Dims& offsets, const Dims& sizes) const {
  if (defective_) return *this;  // the first error is the one to report
  if (!buffer_) return defective(ShapeError("slice of an empty view (View{}); slice a buffer's view"));
  auto fail = [&](const std::string& why) {
    // Built only on failure: slicing is on the hot path of every scope build.
    const std::string req = offsets.size() == sizes.size() ? box_to_string(Box{offsets, sizes})
                                                           : "offsets " + to_string(offsets) + " sizes " + to_string(sizes);
    return defective(ShapeError(ErrorContext{.buffer = buffer_->name(), .region = req},
                                "slice " + req + " of " + describe() + " (buffer '" + buffer_->name() + "' " +
                                    to_string(buffer_->shape()) + "): " + why));
  };
  const Dims& extent = frame_box_.sizes;
  if (offsets.size() != extent.size() || sizes.size() != extent.size())
    return fail("rank mismatch: the view has " + std::to_string(rank()) + " dims");
  for (int d = 0; d < rank(); ++d) {
    if (sizes[d] <= 0)
      return fail("size of dim " + std::to_string(d) + " is " + std::to_string(sizes[d]) + "; sizes must be positive");
    // Written so that no sum can overflow for any int64 input.
    if (offsets[d] < 0 || offsets[d] > extent[d] || sizes[d] > extent[d] - offsets[d])
      return fail("dim " + std::to_string(d) + " is out of bounds (extent " + std::to_string(extent[d]) + ")");
  }
  View r = *this;
  const Dims& strides = this->strides();
  for (int d = 0; d < rank(); ++d) {
    r.base_ += offsets[d] * strides[d];
    r.frame_box_.offsets[d] += offsets[d];
  }
  r.frame_box_.sizes = sizes;
  return r;
}

View View::rows(std::int64_t start, std::int64_t count) const {
  if (!valid()) return slice({}, {});
  Dims offsets(frame_box_.sizes.size(), 0), sizes = frame_box_.sizes;
  offsets[0] = start;
  sizes[0] = count;
  return slice(offsets, sizes);
}

View View::cols(std::int64_t start, std::int64_t count) const {
  if (!valid()) return slice({}, {});
  Dims offsets(frame_box_.sizes.size(), 0), sizes = frame_box_.sizes;
  offsets[offsets.size() - 1] = start;
  sizes[sizes.size() - 1] = count;
  return slice(offsets, sizes);
}

bool View::is_contiguous() const {
  std::int64_t expected = 1;
  const Dims& sizes = frame_box_.sizes;
  const Dims& strides = this->strides();
  for (int d = rank() - 1; d >= 0; --d) {
    if (sizes[d] != 1 && strides[d] != expected) return false;
    expected *= sizes[d];
  }
  return true;
}

View View::reshape(const Shape& shape) const {
  if (defective_) return *this;
  if (!buffer_) return defective(ShapeError("reshape of an empty view (View{}); reshape a buffer's view"));
  auto fail = [&](const std::string& why) {
    return defective(ShapeError(ErrorContext{.buffer = buffer_->name()},
                                "reshape of " + describe() + " to " + to_string(shape) + ": " + why));
  };
  if (shape.empty() || shape.size() > kMaxRank)
    return fail("rank " + std::to_string(shape.size()) + " is outside 1.." + std::to_string(kMaxRank));
  std::int64_t n = 1;
  for (auto d : shape) {
    if (d <= 0) return fail("sizes must be positive");
    if (d > numel() / n) return fail("the new shape holds more elements than the view's " + std::to_string(numel()));
    n *= d;
  }
  if (n != numel())
    return fail("the view has " + std::to_string(numel()) + " elements, the new shape " + std::to_string(n));
  if (!is_contiguous()) return fail("the view is not contiguous; slice a contiguous region first");
  View r = *this;
  auto rare = std::make_shared<Rare>();
  rare->reshaped = true;
  rare->strides = row_major_strides(shape);
  rare->frame = describe() + " as " + to_string(shape);
  r.rare_ = std::move(rare);
  r.frame_box_ = Box{Dims(shape.size(), 0), shape};
  // The whole buffer in its own shape is the buffer's frame again.
  r.is_box_ = base_ == 0 && shape == buffer_->shape();
  return r;
}

std::string View::describe() const {
  if (!buffer_) return "<empty view>";
  if (defective_) return buffer_->name() + "<defective view: " + rare_->defect->detail() + ">";
  if (is_box_ || !rare_ || !rare_->reshaped) return buffer_->name() + box_to_string(frame_box_);
  return buffer_->name() + "{" + rare_->frame.substr(buffer_->name().size()) + "}" + box_to_string(frame_box_);
}

std::int64_t View::offset_of(std::initializer_list<std::int64_t> index) const {
  if (!valid()) throw_defect();
  if (static_cast<int>(index.size()) != rank())
    throw ShapeError(describe() + ": index with " + std::to_string(index.size()) + " coordinates for a rank-" +
                     std::to_string(rank()) + " view");
  std::int64_t off = base_;
  const Dims& strides = this->strides();
  int d = 0;
  for (auto i : index) {
    if (i < 0 || i >= frame_box_.sizes[static_cast<std::size_t>(d)])
      throw ShapeError(describe() + ": index " + std::to_string(i) + " out of bounds in dim " + std::to_string(d));
    off += i * strides[static_cast<std::size_t>(d)];
    ++d;
  }
  return off;
}

std::vector<Box> View::buffer_boxes() const {
  if (!valid()) throw_defect();
  if (is_box_) return {frame_box_};
  // Collapse unit dims and merge dims that are contiguous with their inner neighbour.
  std::vector<std::pair<std::int64_t, std::int64_t>> dims;  // (size, stride), outer first
  const Dims& strides = this->strides();
  for (int d = 0; d < rank(); ++d)
    if (frame_box_.sizes[d] != 1) dims.emplace_back(frame_box_.sizes[d], strides[d]);
  for (int i = static_cast<int>(dims.size()) - 2; i >= 0; --i) {
    if (dims[i].second == dims[i + 1].first * dims[i + 1].second) {
      dims[i] = {dims[i].first * dims[i + 1].first, dims[i + 1].second};
      dims.erase(dims.begin() + i + 1);
    }
  }
  std::int64_t run = 1;
  if (!dims.empty() && dims.back().second == 1) {
    run = dims.back().first;
    dims.pop_back();
  }
  std::vector<Box> boxes;
  auto append = [&](std::int64_t first) {
    for (auto& b : flat_range_to_boxes(first, first + run, buffer_->shape())) {
      // Merge with the previous box when b continues it along one dim.
      if (!boxes.empty()) {
        Box& prev = boxes.back();
        int differing = -1, count = 0;
        for (int d = 0; d < prev.rank(); ++d)
          if (prev.offsets[d] != b.offsets[d] || prev.sizes[d] != b.sizes[d]) {
            differing = d;
            ++count;
          }
        if (count == 1 && prev.offsets[differing] + prev.sizes[differing] == b.offsets[differing]) {
          prev.sizes[differing] += b.sizes[differing];
          continue;
        }
      }
      boxes.push_back(b);
    }
  };
  std::vector<std::int64_t> index(dims.size(), 0);
  while (true) {
    std::int64_t first = base_;
    for (std::size_t i = 0; i < dims.size(); ++i) first += index[i] * dims[i].second;
    append(first);
    int d = static_cast<int>(dims.size()) - 1;
    while (d >= 0 && ++index[d] == dims[d].first) index[d--] = 0;
    if (d < 0) break;
  }
  return boxes;
}

bool overlaps(const View& a, const View& b) { return overlap_region(a, b).has_value(); }

std::optional<Box> overlap_region(const View& a, const View& b) {
  if (!a.valid() || !b.valid() || &a.buffer() != &b.buffer()) return std::nullopt;
  if (a.box() && b.box()) return intersect(*a.box(), *b.box());
  const auto boxes_a = a.buffer_boxes();
  const auto boxes_b = b.buffer_boxes();
  for (const auto& x : boxes_a)
    for (const auto& y : boxes_b)
      if (auto r = intersect(x, y)) return r;
  return std::nullopt;
}

}  // namespace tg
