#pragma once
// Limits of a run's host resources, shared by the CLI's option checks and the Python
// module's entry points so both refuse the same values with the same reason.
#include <algorithm>
#include <thread>

namespace tg {

// Threads above this are refused: more than 8 per hardware thread only cost memory and
// start-up time (a million threads exhausts the process before any task runs). The CLI's
// tg::cli::max_threads() (tools/command.hpp) states the same cap.
inline int max_host_threads() { return 8 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// A run's deadline (RunOptions::timeout_seconds) is at most a week: past that it is a typo.
inline constexpr double kMaxTimeoutSeconds = 7 * 24 * 3600;

}  // namespace tg
