#pragma once
// Buffer: the descriptor of one GM allocation: name, dtype, shape (row-major), role, and the
// scope it was declared in. A Buffer holds no memory: a Graph is structure only, and the
// memory of one run is a Tensor per buffer, supplied by Bindings (tasks/bindings.hpp) and,
// for staging, by the executor.
#include <cstddef>
#include <cstdint>
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

class Buffer {
 public:
  Buffer(std::string name, DType dtype, Shape shape, Role role, std::uint32_t id = 0, std::uint32_t scope = 0);
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  const std::string& name() const { return name_; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }  // row-major, in elements
  // The same strides as Dims: what a View of a box of this buffer returns as its strides.
  const Dims& stride_dims() const { return stride_dims_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  Role role() const { return role_; }
  std::uint32_t id() const { return id_; }        // index in its graph's buffer table
  std::uint32_t scope() const { return scope_; }  // index into Graph::scopes()
  std::int64_t numel() const { return numel_; }
  std::size_t bytes() const { return static_cast<std::size_t>(numel_) * size_of(dtype_); }
  Box full_box() const { return Box{Dims(shape_.size(), 0), Dims(shape_)}; }

  // Throws ShapeError naming the buffer on a dtype mismatch.
  void check_dtype(DType expected) const;

 private:
  std::string name_;
  DType dtype_;
  Shape shape_;
  Shape strides_;
  Dims stride_dims_;
  Role role_;
  std::uint32_t id_;
  std::uint32_t scope_;
  std::int64_t numel_;
};

}  // namespace tg
