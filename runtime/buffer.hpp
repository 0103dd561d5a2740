#pragma once
// Buffer: one GM allocation. Memory is 64-byte aligned, zero-filled, and allocated on
// first access, so a graph that is only simulated never touches its tensors' memory.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/bf16.hpp"
#include "runtime/box.hpp"
#include "runtime/fp16.hpp"
#include "runtime/dtype.hpp"
#include "runtime/error.hpp"

namespace tg {

// Input: read by the scope. Output: written by it. InOut: both (KV caches). Weight: read-only
// parameters. Staging: created inside the scope to pass data between its tasks.
enum class Role : std::uint8_t { Input, Output, InOut, Weight, Staging };

std::string_view name_of(Role role);
std::optional<Role> parse_role(std::string_view s);

class View;

class Buffer {
 public:
  Buffer(std::string name, DType dtype, Shape shape, Role role, std::uint32_t id = 0);
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  const std::string& name() const { return name_; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }  // row-major, in elements
  int rank() const { return static_cast<int>(shape_.size()); }
  Role role() const { return role_; }
  std::uint32_t id() const { return id_; }
  std::int64_t numel() const { return numel_; }
  std::size_t bytes() const { return static_cast<std::size_t>(numel_) * size_of(dtype_); }
  Box full_box() const { return Box{Shape(shape_.size(), 0), shape_}; }

  std::byte* data();
  const std::byte* data() const { return const_cast<Buffer*>(this)->data(); }
  bool allocated() const { return memory_ != nullptr; }

  // Typed pointer to element 0; throws ShapeError naming the buffer on a dtype mismatch.
  template <class T> T* data_as() {
    check_dtype(dtype_of<T>());
    return reinterpret_cast<T*>(data());
  }
  template <class T> const T* data_as() const { return const_cast<Buffer*>(this)->data_as<T>(); }

  void check_dtype(DType expected) const;
  void fill_zero();

 private:
  struct FreeDeleter {
    void operator()(std::byte* p) const;
  };
  std::string name_;
  DType dtype_;
  Shape shape_;
  Shape strides_;
  Role role_;
  std::uint32_t id_;
  std::int64_t numel_;
  std::once_flag allocate_once_;
  std::unique_ptr<std::byte, FreeDeleter> memory_;
};

}  // namespace tg
