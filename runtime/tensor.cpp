#include "runtime/tensor.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "runtime/bytes_text.hpp"

namespace tg {

struct Tensor::Impl {
  Buffer descriptor;
  std::byte* memory = nullptr;
  bool owned = false;

  Impl(std::string name, DType dtype, Shape shape) : descriptor(std::move(name), dtype, std::move(shape), Role::Input) {}
  ~Impl() {
    if (owned) std::free(memory);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

Tensor::Tensor(std::string name, DType dtype, Shape shape)
    : impl_(std::make_shared<Impl>(std::move(name), dtype, std::move(shape))) {
  // 2 MiB and more on transparent huge pages: a weight tile walked down its rows touches
  // one page per row otherwise (TLB misses), and first-touch faults are 512 times fewer.
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  const std::size_t bytes = impl_->descriptor.bytes();
  const std::size_t alignment = bytes >= kHugePage ? kHugePage : 64;
  const std::size_t size = (bytes + alignment - 1) / alignment * alignment;
  auto* p = static_cast<std::byte*>(std::aligned_alloc(alignment, size));
  if (!p)
    throw Error(ErrorContext{.buffer = impl_->descriptor.name()},
                "cannot allocate " + bytes_text(size) + " for tensor '" + impl_->descriptor.name() + "' " +
                    to_string(impl_->descriptor.shape()));
  if (alignment == kHugePage) (void)madvise(p, size, MADV_HUGEPAGE);  // a hint: failure is harmless
  std::memset(p, 0, size);
  impl_->memory = p;
  impl_->owned = true;
}

Tensor Tensor::wrap(std::string name, DType dtype, Shape shape, void* data) {
  Tensor t;
  t.impl_ = std::make_shared<Impl>(std::move(name), dtype, std::move(shape));
  if (!data)
    throw ShapeError(ErrorContext{.buffer = t.name()}, "Tensor::wrap of '" + t.name() + "' got a null pointer");
  if (reinterpret_cast<std::uintptr_t>(data) % size_of(dtype) != 0)
    throw ShapeError(ErrorContext{.buffer = t.name()},
                     "Tensor::wrap of '" + t.name() + "': the memory is not aligned to its " +
                         std::to_string(size_of(dtype)) + "-byte elements; bind it through Bindings::bind_external, "
                         "which copies it");
  t.impl_->memory = static_cast<std::byte*>(data);
  return t;
}

const Buffer& Tensor::descriptor() const {
  if (!impl_) throw Error("an undefined Tensor (default-constructed) was used");
  return impl_->descriptor;
}

bool Tensor::owns_memory() const { return impl_ && impl_->owned; }

std::byte* Tensor::data() const {
  descriptor();
  return impl_->memory;
}

View Tensor::view() const { return View(descriptor()).bind(impl_->memory); }

View::View(const Tensor& tensor) : View(tensor.view()) {}

Tensor Tensor::clone(std::string name) const {
  Tensor copy(name.empty() ? this->name() : std::move(name), dtype(), shape());
  std::memcpy(copy.data(), data(), bytes());
  return copy;
}

void Tensor::fill_zero() const { std::memset(data(), 0, bytes()); }

bool Tensor::same_bytes(const Tensor& other) const {
  return dtype() == other.dtype() && shape() == other.shape() && std::memcmp(data(), other.data(), bytes()) == 0;
}

}  // namespace tg
