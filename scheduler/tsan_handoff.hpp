#pragma once
// ThreadSanitizer cannot see the synchronisation inside libtbb (Debian's build is not
// instrumented), so a value written before spawning a TBB task and read inside it, or
// written in a task and read after wait(), looks racy. Under TSan every such hand-over is
// mirrored on an atomic TSan can see; in other builds this compiles to nothing.
//
// The callable handed to TBB is itself such a value: TBB copies it into a task object on
// the spawning thread and calls it on a worker, so the worker's first read of its captures
// comes before any observe() it could make. `handed(f)` wraps it: under TSan each copy or
// move releases the new object's address and each call acquires it first (the
// happens-before TBB establishes inside libtbb, made visible), so no report about our
// captures needs a suppression.
#include <atomic>
#include <cstdint>
#include <utility>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace tg {

#if defined(__SANITIZE_THREAD__)
class TsanHandoff {
 public:
  void publish() { clock_.fetch_add(1, std::memory_order_acq_rel); }  // before spawn / at task end
  void observe() const { (void)clock_.load(std::memory_order_acquire); }  // at task start / after wait

 private:
  std::atomic<std::uint64_t> clock_{0};
};
#else
class TsanHandoff {
 public:
  void publish() {}
  void observe() const {}
};
#endif

template <class F> class Handed {
 public:
  explicit Handed(F f) : f_(std::move(f)) { release(); }
  Handed(const Handed& other) : f_(other.f_) { release(); }
  Handed(Handed&& other) noexcept : f_(std::move(other.f_)) { release(); }
  Handed& operator=(const Handed&) = delete;
  Handed& operator=(Handed&&) = delete;
  template <class... A> decltype(auto) operator()(A&&... a) const {
    acquire();
    return f_(std::forward<A>(a)...);
  }

 private:
#if defined(__SANITIZE_THREAD__)
  void release() const { __tsan_release(const_cast<Handed*>(this)); }
  void acquire() const { __tsan_acquire(const_cast<Handed*>(this)); }
#else
  void release() const {}
  void acquire() const {}
#endif
  F f_;
};

template <class F> Handed<F> handed(F f) { return Handed<F>(std::move(f)); }

}  // namespace tg
