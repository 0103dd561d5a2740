#include "runtime/buffer.hpp"

namespace tg {

std::string_view name_of(Role role) {
  switch (role) {
    case Role::Input: return "input";
    case Role::Output: return "output";
    case Role::InOut: return "inout";
    case Role::Weight: return "weight";
    case Role::Staging: return "staging";
  }
  return "?";
}

std::optional<Role> parse_role(std::string_view s) {
  for (Role r : {Role::Input, Role::Output, Role::InOut, Role::Weight, Role::Staging})
    if (name_of(r) == s) return r;
  return std::nullopt;
}

Buffer::Buffer(std::string name, DType dtype, Shape shape, Role role, std::uint32_t id, std::uint32_t scope)
    : name_(std::move(name)), dtype_(dtype), shape_(std::move(shape)), role_(role), id_(id), scope_(scope) {
  if (shape_.empty()) throw ShapeError("buffer '" + name_ + "': rank 0 is not supported; use shape [1]");
  if (shape_.size() > kMaxRank)
    throw ShapeError("buffer '" + name_ + "': rank " + std::to_string(shape_.size()) + " is above the maximum of " +
                     std::to_string(kMaxRank));
  for (auto d : shape_)
    if (d <= 0)
      throw ShapeError("buffer '" + name_ + "': shape " + to_string(shape_) +
                       " has a dimension <= 0; every dimension must be positive");
  // Checked before anything multiplies the dims: 2^48 elements is far above any GM.
  constexpr std::int64_t kMaxElements = std::int64_t{1} << 48;
  std::int64_t n = 1;
  for (auto d : shape_) {
    if (d > kMaxElements / n)
      throw ShapeError("buffer '" + name_ + "': shape " + to_string(shape_) + " has more than 2^48 elements");
    n *= d;
  }
  strides_ = row_major_strides(shape_);
  stride_dims_ = Dims(strides_);
  numel_ = n;
}

void Buffer::check_dtype(DType expected) const {
  if (expected != dtype_)
    throw ShapeError("buffer '" + name_ + "' holds " + std::string(name_of(dtype_)) +
                     " but was accessed as " + std::string(name_of(expected)));
}

}  // namespace tg
