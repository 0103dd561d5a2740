#include "kernels/cpu_path.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include "runtime/error.hpp"

namespace tg::kernels {
namespace {

// -1: not forced; otherwise the CpuPath value. Atomic so tests may flip it between runs
// while other threads only read it.
std::atomic<int> forced_path{-1};

CpuPath detect_best() {
  if (cpu_path_supported(CpuPath::avx512)) return CpuPath::avx512;
  if (cpu_path_supported(CpuPath::avx2)) return CpuPath::avx2;
  return CpuPath::scalar;
}

std::string supported_list() {
  std::string s;
  for (CpuPath p : supported_cpu_paths()) s += (s.empty() ? "" : ", ") + std::string(name_of(p));
  return s;
}

}  // namespace

std::string_view name_of(CpuPath path) {
  switch (path) {
    case CpuPath::scalar: return "scalar";
    case CpuPath::avx2: return "avx2";
    case CpuPath::avx512: return "avx512";
  }
  return "?";
}

std::optional<CpuPath> parse_cpu_path(std::string_view name) {
  for (CpuPath p : {CpuPath::scalar, CpuPath::avx2, CpuPath::avx512})
    if (name_of(p) == name) return p;
  return std::nullopt;
}

bool cpu_path_supported(CpuPath path) {
  switch (path) {
    case CpuPath::scalar: return true;
    case CpuPath::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case CpuPath::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vnni");
  }
  return false;
}

std::vector<CpuPath> supported_cpu_paths() {
  std::vector<CpuPath> paths;
  for (CpuPath p : {CpuPath::scalar, CpuPath::avx2, CpuPath::avx512})
    if (cpu_path_supported(p)) paths.push_back(p);
  return paths;
}

CpuPath default_cpu_path() {
  static const CpuPath path = [] {
    const char* env = std::getenv("TG_KERNELS_PATH");
    if (env == nullptr || *env == '\0') return detect_best();
    const auto p = parse_cpu_path(env);
    if (!p)
      throw ConfigError(std::string("TG_KERNELS_PATH='") + env +
                        "' is not a kernel path; use one of scalar, avx2, avx512 (this CPU: " + supported_list() + ")");
    if (!cpu_path_supported(*p))
      throw ConfigError(std::string("TG_KERNELS_PATH='") + env + "' is not supported by this CPU; it supports " +
                        supported_list());
    return *p;
  }();
  return path;
}

CpuPath active_cpu_path() {
  const int forced = forced_path.load(std::memory_order_relaxed);
  return forced >= 0 ? static_cast<CpuPath>(forced) : default_cpu_path();
}

void force_cpu_path(std::optional<CpuPath> path) {
  if (path && !cpu_path_supported(*path))
    throw ConfigError("kernel path '" + std::string(name_of(*path)) + "' is not supported by this CPU; it supports " +
                      supported_list());
  forced_path.store(path ? static_cast<int>(*path) : -1, std::memory_order_relaxed);
}

ScopedCpuPath::ScopedCpuPath(CpuPath path) {
  const int forced = forced_path.load(std::memory_order_relaxed);
  if (forced >= 0) previous_ = static_cast<CpuPath>(forced);
  force_cpu_path(path);
}

ScopedCpuPath::~ScopedCpuPath() { force_cpu_path(previous_); }

}  // namespace tg::kernels
