// CPU path selection: every supported path can be forced and restored, an unsupported or
// unknown one is a clear ConfigError, and the scalar path is always there.
#include "kernels/cpu_path.hpp"

#include <gtest/gtest.h>

#include "runtime/error.hpp"

namespace {

using namespace tg::kernels;

TEST(CpuPath, ForceRestoreAndParse) {
  const auto paths = supported_cpu_paths();
  ASSERT_FALSE(paths.empty());
  EXPECT_EQ(paths.front(), CpuPath::scalar);
  const CpuPath before = active_cpu_path();
  for (CpuPath p : paths) {
    {
      ScopedCpuPath scoped(p);
      EXPECT_EQ(active_cpu_path(), p);
      {
        ScopedCpuPath inner(CpuPath::scalar);
        EXPECT_EQ(active_cpu_path(), CpuPath::scalar);
      }
      EXPECT_EQ(active_cpu_path(), p);  // nested scopes restore the outer forced path
    }
    EXPECT_EQ(active_cpu_path(), before);
    EXPECT_EQ(parse_cpu_path(name_of(p)), p);
  }
  EXPECT_EQ(parse_cpu_path("sse"), std::nullopt);
}

TEST(CpuPath, UnsupportedPathIsAConfigError) {
  for (CpuPath p : {CpuPath::avx2, CpuPath::avx512}) {
    if (cpu_path_supported(p)) continue;
    try {
      force_cpu_path(p);
      FAIL() << "expected ConfigError";
    } catch (const tg::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(name_of(p))), std::string::npos) << e.what();
    }
  }
  force_cpu_path(std::nullopt);
  EXPECT_EQ(active_cpu_path(), default_cpu_path());
}

// One row per path in the test report: the kernel tests run every supported path
// (kernel_test_support.hpp all_paths()); a path this CPU lacks shows here as SKIPPED with
// the reason, so a run on a machine without AVX-512 says so instead of passing silently.
class KernelPath : public ::testing::TestWithParam<CpuPath> {};

TEST_P(KernelPath, IsRunByTheKernelTestsOrSkipped) {
  const CpuPath path = GetParam();
  if (!cpu_path_supported(path))
    GTEST_SKIP() << "this CPU lacks the " << name_of(path)
                 << " path (avx512: AVX-512 F/BW/VL/DQ + BF16 + VNNI; avx2: AVX2 + FMA); the kernel tests skip it";
  ScopedCpuPath scoped(path);
  EXPECT_EQ(active_cpu_path(), path);
}

INSTANTIATE_TEST_SUITE_P(Paths, KernelPath, ::testing::Values(CpuPath::scalar, CpuPath::avx2, CpuPath::avx512),
                         [](const auto& info) { return std::string(name_of(info.param)); });

}  // namespace
