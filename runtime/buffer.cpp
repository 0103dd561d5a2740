#include "runtime/buffer.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>

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

Buffer::Buffer(std::string name, DType dtype, Shape shape, Role role, std::uint32_t id)
    : name_(std::move(name)), dtype_(dtype), shape_(std::move(shape)), role_(role), id_(id) {
  if (shape_.empty()) throw ShapeError("buffer '" + name_ + "': rank 0 is not supported; use shape [1]");
  if (shape_.size() > kMaxRank)
    throw ShapeError("buffer '" + name_ + "': rank " + std::to_string(shape_.size()) + " is above the maximum of " +
                     std::to_string(kMaxRank));
  for (auto d : shape_)
    if (d <= 0)
      throw ShapeError("buffer '" + name_ + "': shape " + to_string(shape_) +
                       " has a dimension <= 0; every dimension must be positive");
  strides_ = row_major_strides(shape_);
  numel_ = numel_of(shape_);
}

void Buffer::FreeDeleter::operator()(std::byte* p) const { std::free(p); }

std::byte* Buffer::data() {
  std::call_once(allocate_once_, [this] {
    // Buffers of 2 MiB and more sit on transparent huge pages: a weight tile walked down
    // its rows touches one page per row otherwise (TLB misses), and first-touch faults
    // are 512 times fewer (they cost tens of microseconds each on virtual machines).
    constexpr std::size_t kHugePage = std::size_t{2} << 20;
    const std::size_t alignment = bytes() >= kHugePage ? kHugePage : 64;
    const std::size_t size = (bytes() + alignment - 1) / alignment * alignment;
    auto* p = static_cast<std::byte*>(std::aligned_alloc(alignment, size));
    if (!p) throw Error("buffer '" + name_ + "': cannot allocate " + std::to_string(size) + " bytes");
    if (alignment == kHugePage) (void)madvise(p, size, MADV_HUGEPAGE);  // a hint: failure is harmless
    std::memset(p, 0, size);
    memory_.reset(p);
  });
  return memory_.get();
}

void Buffer::fill_zero() { std::memset(data(), 0, bytes()); }

void Buffer::check_dtype(DType expected) const {
  if (expected != dtype_)
    throw ShapeError("buffer '" + name_ + "' holds " + std::string(name_of(dtype_)) +
                     " but was accessed as " + std::string(name_of(expected)));
}

}  // namespace tg
