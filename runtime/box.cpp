#include "runtime/box.hpp"

#include <algorithm>
#include <stdexcept>

#include "runtime/error.hpp"

namespace tg {

namespace {
void check_rank(std::size_t rank) {
  if (rank > kMaxRank)
    throw ShapeError("rank " + std::to_string(rank) + " is above the supported maximum of " + std::to_string(kMaxRank));
}
}  // namespace

Dims::Dims(std::size_t rank, std::int64_t value) {
  check_rank(rank);
  resize_storage(rank);
  for (std::size_t i = 0; i < rank; ++i) (*this)[i] = value;
}

Dims::Dims(std::initializer_list<std::int64_t> values) {
  check_rank(values.size());
  resize_storage(values.size());
  std::size_t i = 0;
  for (auto v : values) (*this)[i++] = v;
}

Dims::Dims(const Shape& values) {
  check_rank(values.size());
  resize_storage(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) (*this)[i] = values[i];
}

std::int64_t Dims::at(std::size_t i) const {
  if (i >= size_) throw std::out_of_range("Dims::at: dim " + std::to_string(i) + " of a rank-" + std::to_string(size_) + " box");
  return (*this)[i];
}

void Dims::push_back(std::int64_t v) {
  check_rank(size_ + 1);
  if (size_ == kInlineRank) {  // the fifth value: move the four inline ones to the heap
    const std::array<std::int64_t, kInlineRank> values = inline_;
    heap_ = new std::int64_t[kMaxRank];
    for (std::size_t i = 0; i < kInlineRank; ++i) heap_[i] = values[i];
  }
  ++size_;
  (*this)[size_ - 1] = v;
}

std::int64_t Box::numel() const { return numel_of(sizes); }

std::int64_t numel_of(const Dims& dims) {
  std::int64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

std::int64_t numel_of(const Shape& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string box_to_string(const Box& box) {
  std::string s = "[";
  for (int i = 0; i < box.rank(); ++i) {
    if (i) s += ", ";
    // A box from bad input (a slice request being reported) may end past int64: print the
    // size then, rather than overflow.
    std::int64_t stop = 0;
    if (__builtin_add_overflow(box.offsets[i], box.sizes[i], &stop))
      s += std::to_string(box.offsets[i]) + ":+" + std::to_string(box.sizes[i]);
    else
      s += std::to_string(box.offsets[i]) + ":" + std::to_string(stop);
  }
  return s + "]";
}

Shape row_major_strides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::optional<Box> intersect(const Box& a, const Box& b) {
  Box r{Dims(a.offsets.size()), Dims(a.sizes.size())};
  for (int d = 0; d < a.rank(); ++d) {
    const auto lo = std::max(a.offsets[d], b.offsets[d]);
    const auto hi = std::min(a.offsets[d] + a.sizes[d], b.offsets[d] + b.sizes[d]);
    if (hi <= lo) return std::nullopt;
    r.offsets[d] = lo;
    r.sizes[d] = hi - lo;
  }
  return r;
}

bool contains(const Box& outer, const Box& inner) {
  for (int d = 0; d < outer.rank(); ++d) {
    if (inner.offsets[d] < outer.offsets[d]) return false;
    if (inner.offsets[d] + inner.sizes[d] > outer.offsets[d] + outer.sizes[d]) return false;
  }
  return true;
}

std::vector<Box> subtract(const Box& a, const Box& b) {
  auto overlap = intersect(a, b);
  if (!overlap) return {a};
  std::vector<Box> pieces;
  Box rest = a;  // shrinks dim by dim to the overlap
  for (int d = 0; d < a.rank(); ++d) {
    const auto lo = overlap->offsets[d];
    const auto hi = lo + overlap->sizes[d];
    if (rest.offsets[d] < lo) {
      Box below = rest;
      below.sizes[d] = lo - rest.offsets[d];
      pieces.push_back(below);
    }
    const auto rest_hi = rest.offsets[d] + rest.sizes[d];
    if (hi < rest_hi) {
      Box above = rest;
      above.offsets[d] = hi;
      above.sizes[d] = rest_hi - hi;
      pieces.push_back(above);
    }
    rest.offsets[d] = lo;
    rest.sizes[d] = hi - lo;
  }
  return pieces;
}

std::vector<Box> flat_range_to_boxes(std::int64_t first, std::int64_t last, const Shape& shape) {
  std::vector<Box> boxes;
  const int rank = static_cast<int>(shape.size());
  const Shape strides = row_major_strides(shape);
  while (first < last) {
    // The outermost dim whose unit starts at `first` and fits before `last`.
    int dim = rank - 1;
    for (int d = 0; d < rank; ++d) {
      if (first % strides[d] == 0 && first + strides[d] <= last) {
        dim = d;
        break;
      }
    }
    Box box{Dims(static_cast<std::size_t>(rank)), Dims(static_cast<std::size_t>(rank))};
    std::int64_t rem = first;
    for (int d = 0; d < rank; ++d) {
      box.offsets[d] = rem / strides[d];
      rem %= strides[d];
      box.sizes[d] = 1;
    }
    const std::int64_t units =
        std::min((last - first) / strides[dim], shape[dim] - box.offsets[dim]);
    box.sizes[dim] = units;
    for (int d = dim + 1; d < rank; ++d) {
      box.offsets[d] = 0;
      box.sizes[d] = shape[d];
    }
    boxes.push_back(box);
    first += units * strides[dim];
  }
  return boxes;
}

}  // namespace tg
