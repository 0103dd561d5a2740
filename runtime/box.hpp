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

// Per-dim values of a box: up to kInlineRank stored inline, higher ranks (rare: models use
// rank <= 4) in one heap block of kMaxRank values. Boxes are made and compared on the hot
// path of dependency inference, where a heap allocation per box would dominate the cost, and
// every task argument holds a box: 40 bytes here, where a rank-8 inline array was 72.
class Dims {
 public:
  static constexpr std::size_t kInlineRank = 4;

  Dims() = default;
  explicit Dims(std::size_t rank, std::int64_t value = 0);
  Dims(std::initializer_list<std::int64_t> values);
  Dims(const Shape& values);  // NOLINT: implicit, Shapes and Dims mix freely
  Dims(const Dims& other) : size_(other.size_) {
    if (spilled()) heap_ = new std::int64_t[kMaxRank];
    copy_values(other);
  }
  Dims(Dims&& other) noexcept : size_(other.size_) {
    if (spilled()) {
      heap_ = other.heap_;
      other.size_ = 0;
    } else {
      inline_ = other.inline_;
    }
  }
  Dims& operator=(const Dims& other) {
    if (this != &other) {
      resize_storage(other.size_);
      copy_values(other);
    }
    return *this;
  }
  Dims& operator=(Dims&& other) noexcept {
    if (this != &other) {
      if (spilled()) delete[] heap_;
      size_ = other.size_;
      if (spilled()) {
        heap_ = other.heap_;
        other.size_ = 0;
      } else {
        inline_ = other.inline_;
      }
    }
    return *this;
  }
  ~Dims() {
    if (spilled()) delete[] heap_;
  }
  operator Shape() const { return Shape(begin(), end()); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::int64_t& operator[](std::size_t i) { return data()[i]; }
  std::int64_t operator[](std::size_t i) const { return data()[i]; }
  std::int64_t back() const { return data()[size_ - 1]; }
  std::int64_t front() const { return data()[0]; }
  // Bounds-checked like std::vector::at: throws std::out_of_range.
  std::int64_t at(std::size_t i) const;
  std::int64_t* begin() { return data(); }
  std::int64_t* end() { return data() + size_; }
  const std::int64_t* begin() const { return data(); }
  const std::int64_t* end() const { return data() + size_; }
  void push_back(std::int64_t v);
  friend bool operator==(const Dims& a, const Dims& b) {
    if (a.size_ != b.size_) return false;
    for (std::size_t i = 0; i < a.size_; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  friend bool operator==(const Dims& a, const Shape& b) {
    if (a.size_ != b.size()) return false;
    for (std::size_t i = 0; i < a.size_; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }

 private:
  bool spilled() const { return size_ > kInlineRank; }
  std::int64_t* data() { return spilled() ? heap_ : inline_.data(); }
  const std::int64_t* data() const { return spilled() ? heap_ : inline_.data(); }
  // Sets the rank, moving between inline and heap storage; values are left unspecified.
  void resize_storage(std::size_t rank) {
    const bool was = spilled();
    const bool will = rank > kInlineRank;
    if (was && !will) delete[] heap_;
    if (!was && will) heap_ = new std::int64_t[kMaxRank];
    size_ = static_cast<std::uint32_t>(rank);
  }
  void copy_values(const Dims& other) {
    if (spilled())
      for (std::size_t i = 0; i < size_; ++i) heap_[i] = other.heap_[i];
    else
      inline_ = other.inline_;
  }

  std::uint32_t size_ = 0;  // first: a rank-2 box then reads one cache line per Dims
  union {
    std::array<std::int64_t, kInlineRank> inline_{};
    std::int64_t* heap_;  // kMaxRank values, when size_ > kInlineRank
  };
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
