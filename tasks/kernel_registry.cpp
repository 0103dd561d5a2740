#include "tasks/kernel_registry.hpp"

#include "runtime/error.hpp"

namespace tg {

void KernelRegistry::add(KernelRef kernel) {
  if (!kernel || kernel->name.empty()) throw Error("KernelRegistry::add: a descriptor needs a name");
  std::lock_guard lock(mutex_);
  kernels_[kernel->name] = std::move(kernel);
}

KernelRef KernelRegistry::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const auto it = kernels_.find(name);
  return it == kernels_.end() ? nullptr : it->second;
}

std::vector<std::string> KernelRegistry::names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, kernel] : kernels_) out.push_back(name);
  return out;
}

bool KernelRegistry::empty() const {
  std::lock_guard lock(mutex_);
  return kernels_.empty();
}

KernelRegistry& kernel_registry() {
  static KernelRegistry registry;
  return registry;
}

}  // namespace tg
