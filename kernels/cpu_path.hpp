#pragma once
// Which instruction-set path the host kernels run: chosen once at startup from what the CPU
// offers (__builtin_cpu_supports), overridable so tests can run every path the machine has.
//   avx512: AVX-512 F/BW/VL/DQ + AVX512_BF16 (vdpbf16ps) + AVX512_VNNI (vpdpbusd)
//   avx2:   AVX2 + FMA (bf16 widened to fp32, int8 widened to int16)
//   scalar: portable C++ (the compiler's baseline ISA)
// Every path gives bit-identical results (see docs/kernels.md for the two documented
// exceptions: subnormals in matmul bf16, and -0 vs +0).
#include <optional>
#include <string_view>
#include <vector>

namespace tg::kernels {

enum class CpuPath : unsigned char { scalar, avx2, avx512 };

std::string_view name_of(CpuPath path);
std::optional<CpuPath> parse_cpu_path(std::string_view name);  // "scalar" | "avx2" | "avx512"

// Can this machine run the path?
bool cpu_path_supported(CpuPath path);
// Supported paths, slowest first (scalar is always there).
std::vector<CpuPath> supported_cpu_paths();
// The best supported path, or the one named by the environment variable TG_KERNELS_PATH.
// An unknown or unsupported name in TG_KERNELS_PATH throws ConfigError on first use.
CpuPath default_cpu_path();

// The path the kernels use now: the forced one if set, else default_cpu_path().
CpuPath active_cpu_path();
// Force a path for all threads (tests, benchmarks); nullopt returns to the default.
// Throws ConfigError for a path this CPU cannot run.
void force_cpu_path(std::optional<CpuPath> path);

// RAII: force a path for a scope, restore the previous setting on exit.
class ScopedCpuPath {
 public:
  explicit ScopedCpuPath(CpuPath path);
  ~ScopedCpuPath();
  ScopedCpuPath(const ScopedCpuPath&) = delete;
  ScopedCpuPath& operator=(const ScopedCpuPath&) = delete;

 private:
  std::optional<CpuPath> previous_;
};

}  // namespace tg::kernels
