#pragma once
// The limits the module's entry points check, as the CLI checks --threads and --timeout
// (docs/cli.md, "Option limits"): a million threads crashed the interpreter, a NaN
// deadline was taken for none. Defined in executors.cpp.
#include <string>

namespace tg::python {

// A thread count from 0 (all cores) to tg::max_host_threads(); ConfigError naming `what`
// ("HostExecutor(threads)") otherwise.
int checked_threads(int threads, const std::string& what);
// A deadline from 0 (none) to tg::kMaxTimeoutSeconds; ConfigError naming `what` otherwise.
double checked_timeout(double seconds, const std::string& what);

}  // namespace tg::python
