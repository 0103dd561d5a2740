#pragma once
// ThreadSanitizer cannot see the synchronisation inside libtbb (Debian's build is not
// instrumented), so a value written before spawning a TBB task and read inside it, or
// written in a task and read after wait(), looks racy. Under TSan every such hand-over is
// mirrored on an atomic TSan can see; in other builds this compiles to nothing.
#include <atomic>
#include <cstdint>

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

}  // namespace tg
