#pragma once
// CPU seconds of the process (all threads) and of the calling thread. The hosts these figures
// come from are shared, so scope rows report CPU time beside wall time: what our threads did
// while they ran, not how often another process took their core.
#include <ctime>

namespace tg::bench {

inline double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
inline double process_cpu_s() { return cpu_seconds(CLOCK_PROCESS_CPUTIME_ID); }
inline double thread_cpu_s() { return cpu_seconds(CLOCK_THREAD_CPUTIME_ID); }

}  // namespace tg::bench
