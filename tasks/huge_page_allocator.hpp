#pragma once
// HugePageAllocator: a std::allocator that backs arrays of 2 MiB and more with transparent
// huge pages where the kernel offers them (madvise mode). The region index's hash table
// and state array are read at random, one line per access: with 4 KiB pages a 64k-region
// index spans thousands of pages, and on a VM each TLB miss is a two-level page walk that
// costs more than the lookup itself. Smaller arrays use operator new as usual.
#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tg {

template <class T> class HugePageAllocator {
 public:
  using value_type = T;
  HugePageAllocator() = default;
  template <class U> HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (!huge(bytes)) {
      // Over-aligned elements (the index's 64-byte slot lines) need the aligned operator new.
      if constexpr (kOverAligned) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
      else return static_cast<T*>(::operator new(bytes));
    }
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(kHugePage, rounded);
    if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without THP the pages stay small
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (huge(n * sizeof(T))) std::free(p);
    else if constexpr (kOverAligned) ::operator delete(p, std::align_val_t{alignof(T)});
    else ::operator delete(p);
  }
  template <class U> friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) { return true; }

 private:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;  // also the huge arrays' alignment
  static constexpr bool kOverAligned = alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__;
  static bool huge(std::size_t bytes) { return bytes >= kHugePage; }
};

}  // namespace tg
