#pragma once
// Tensor: the memory of one buffer for one run, with the buffer's name, dtype and shape.
// A Tensor is a handle (copies share the memory, as torch.Tensor does); the memory is
// either owned (64-byte aligned, zero-filled; 2 MiB and more on transparent huge pages) or
// external (the caller's array, row-major and aligned to its element, never freed here).
//
//   tg::Tensor x("x", tg::BF16, {16, 7168});     // owned, zeros
//   x.data_as<tg::bf16>()[0] = tg::bf16(1.0f);
//   tg::kernels::rmsnorm(x.view(), gamma.view(), y.view());
#include <cstddef>
#include <memory>
#include <string>

#include "runtime/buffer.hpp"
#include "runtime/view.hpp"

namespace tg {

class Tensor {
 public:
  Tensor() = default;
  // Owned memory, zero-filled. Throws ShapeError for a bad shape, Error when the memory
  // cannot be allocated (naming the size).
  Tensor(std::string name, DType dtype, Shape shape);
  // The caller's memory, used in place: `data` must be aligned to the element size and
  // hold numel elements row-major; it must outlive every copy of the handle.
  static Tensor wrap(std::string name, DType dtype, Shape shape, void* data);

  bool defined() const { return impl_ != nullptr; }
  const Buffer& descriptor() const;  // name, dtype, shape
  const std::string& name() const { return descriptor().name(); }
  DType dtype() const { return descriptor().dtype(); }
  const Shape& shape() const { return descriptor().shape(); }
  std::int64_t numel() const { return descriptor().numel(); }
  std::size_t bytes() const { return descriptor().bytes(); }
  bool owns_memory() const;

  std::byte* data() const;
  // Typed pointer to element 0; throws ShapeError naming the tensor on a dtype mismatch.
  template <class T> T* data_as() const {
    descriptor().check_dtype(dtype_of<T>());
    return reinterpret_cast<T*>(data());
  }
  // The whole tensor as a View bound to this memory (valid while a handle lives).
  View view() const;

  // A deep copy with owned memory (same name unless given).
  Tensor clone(std::string name = {}) const;
  void fill_zero() const;
  // Bytewise equality of dtype, shape and contents.
  bool same_bytes(const Tensor& other) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace tg
