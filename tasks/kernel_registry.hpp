#pragma once
// Kernel descriptors by name, for the paths that only have a name: JSON scopes (a v2 task's
// "kernel"), the CLI, Python. tasks/ holds the registry and knows no kernel; the library
// kernels' descriptors live in kernels/descriptors (which links tasks and kernels) and are
// added by kernels::descriptors::register_library(), which the CLI calls at startup (a
// static library drops self-registering objects nobody references, so nothing registers
// itself). Thread-safe; lookups are O(log n).
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/kernel_descriptor.hpp"

namespace tg {

class KernelRegistry {
 public:
  // Adds or replaces the descriptor under its name.
  void add(KernelRef kernel);
  KernelRef find(std::string_view name) const;  // null when unknown
  std::vector<std::string> names() const;
  bool empty() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, KernelRef, std::less<>> kernels_;
};

// The process's registry (empty until something registers descriptors).
KernelRegistry& kernel_registry();

}  // namespace tg
