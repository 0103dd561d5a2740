// matmul against a plain fp64 loop, on ragged shapes and sub-views, on every CPU path;
// paths must agree bit for bit.
#include "kernels/matmul.hpp"
#include "kernels/packed_weights.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "kernel_test_support.hpp"
#include "runtime/error.hpp"

namespace {

using namespace tg::kernels;
using namespace tg::kernels::testing;
using tg::View;

struct Shape3 {
  std::int64_t m, k, n;
};

// Shapes with edges that are not multiples of any vector width, and the decode-like M = 16.
const Shape3 kShapes[] = {{1, 1, 1},   {1, 2, 17},   {3, 31, 15},  {8, 64, 32},    {16, 130, 100},
                          {17, 7, 65}, {5, 257, 33}, {16, 96, 64}, {9, 1000, 48}, {2, 33, 130}};

// The tiles live inside larger buffers at odd offsets, as model tasks pass them.
struct Operands {
  std::unique_ptr<tg::Tensor> a_buf, b_buf, c_buf;
  View a, b, c;
};

Operands make_operands(const Shape3& s, tg::DType in, tg::DType out, bool transposed, std::uint64_t seed) {
  Operands o;
  o.a_buf = make_buffer("a", in, {s.m + 3, s.k + 5});
  const std::int64_t b_rows = transposed ? s.n : s.k, b_cols = transposed ? s.k : s.n;
  o.b_buf = make_buffer("b", in, {b_rows + 2, b_cols + 7});
  o.c_buf = make_buffer("c", out, {s.m + 1, s.n + 3});
  o.a = View(*o.a_buf).slice({2, 3}, {s.m, s.k});
  o.b = View(*o.b_buf).slice({1, 5}, {b_rows, b_cols});
  o.c = View(*o.c_buf).slice({1, 2}, {s.m, s.n});
  const bool is_int = in == tg::INT8;
  fill_uniform(View(*o.a_buf), is_int ? -127 : -1, is_int ? 127 : 1, seed);
  fill_uniform(View(*o.b_buf), is_int ? -127 : -0.1, is_int ? 127 : 0.1, seed + 1);
  fill_uniform(View(*o.c_buf), is_int ? -1000 : -2, is_int ? 1000 : 2, seed + 2);
  return o;
}

double b_at(const View& b, bool transposed, std::int64_t k, std::int64_t n) {
  return transposed ? get(b, n, k) : get(b, k, n);
}

class MatmulBf16 : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(MatmulBf16, MatchesFp64LoopWithinFp32SummationBound) {
  const auto [transposed, accumulate] = GetParam();
  std::uint64_t seed = 100;
  for (const Shape3& s : kShapes) {
    std::vector<std::uint8_t> first_path_result;
    for (CpuPath path : all_paths()) {
      SCOPED_TRACE(std::string(name_of(path)) + " m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) +
                   " n=" + std::to_string(s.n));
      ScopedCpuPath scoped(path);
      Operands o = make_operands(s, tg::BF16, tg::FP32, transposed, seed);
      const auto c_before = bytes_of(View(*o.c_buf));
      std::vector<double> c0;
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) c0.push_back(get(o.c, i, j));
      matmul(o.a, o.b, o.c, {transposed ? BLayout::transposed : BLayout::row_major, accumulate});
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) {
          double ref = accumulate ? c0[static_cast<std::size_t>(i * s.n + j)] : 0.0, mag = std::fabs(ref);
          for (std::int64_t kk = 0; kk < s.k; ++kk) {
            const double p = get(o.a, i, kk) * b_at(o.b, transposed, kk, j);
            ref += p;
            mag += std::fabs(p);
          }
          // fp32 summation of k+1 terms: each add rounds by <= 2^-24 of a partial sum <= mag.
          const double tol = static_cast<double>(s.k + 1) * std::ldexp(1.0, -24) * mag + 1e-30;
          ASSERT_NEAR(get(o.c, i, j), ref, tol) << "at (" << i << ", " << j << ")";
        }
      // Nothing outside the tile was written.
      auto after = bytes_of(View(*o.c_buf));
      const auto inside = bytes_of(o.c);
      std::int64_t changed_outside = 0;
      for (std::int64_t r = 0; r < o.c_buf->shape()[0]; ++r)
        for (std::int64_t cc = 0; cc < o.c_buf->shape()[1]; ++cc) {
          const bool in_tile = r >= 1 && r < 1 + s.m && cc >= 2 && cc < 2 + s.n;
          const std::size_t off = static_cast<std::size_t>(r * o.c_buf->shape()[1] + cc) * 4;
          if (!in_tile && std::memcmp(&after[off], &c_before[off], 4) != 0) ++changed_outside;
        }
      EXPECT_EQ(changed_outside, 0);
      if (first_path_result.empty()) first_path_result = inside;
      else EXPECT_TRUE(first_path_result == inside) << "result differs bitwise from the scalar path";
    }
    seed += 10;
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, MatmulBf16,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) ? "Transposed" : "RowMajor") +
                                  (std::get<1>(info.param) ? "Accumulate" : "Overwrite");
                         });

class MatmulInt8 : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(MatmulInt8, ExactOnEveryPath) {
  const auto [transposed, accumulate] = GetParam();
  std::uint64_t seed = 500;
  for (const Shape3& s : kShapes) {
    for (CpuPath path : all_paths()) {
      SCOPED_TRACE(std::string(name_of(path)) + " m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) +
                   " n=" + std::to_string(s.n));
      ScopedCpuPath scoped(path);
      Operands o = make_operands(s, tg::INT8, tg::INT32, transposed, seed);
      // Include the extremes: -127 and 127 (and -128, which the VNNI path must also handle).
      o.a.at<std::int8_t>({0, 0}) = -128;
      o.b.at<std::int8_t>({0, 0}) = -128;
      std::vector<std::int64_t> c0;
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) c0.push_back(o.c.at<std::int32_t>({i, j}));
      matmul(o.a, o.b, o.c, {transposed ? BLayout::transposed : BLayout::row_major, accumulate});
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) {
          std::int64_t ref = accumulate ? c0[static_cast<std::size_t>(i * s.n + j)] : 0;
          for (std::int64_t kk = 0; kk < s.k; ++kk)
            ref += static_cast<std::int64_t>(get(o.a, i, kk)) * static_cast<std::int64_t>(b_at(o.b, transposed, kk, j));
          ASSERT_EQ(o.c.at<std::int32_t>({i, j}), ref) << "at (" << i << ", " << j << ")";
        }
    }
    seed += 10;
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, MatmulInt8,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool()),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) ? "Transposed" : "RowMajor") +
                                  (std::get<1>(info.param) ? "Accumulate" : "Overwrite");
                         });

TEST(Matmul, SplitKWithAccumulateMatchesOneCallOnRowMajorB) {
  // Row-major B: C = A[:, :64] @ B[:64] then C += A[:, 64:] @ B[64:] continues the same
  // running sum per element, so it is bit-identical to one call (K chunk even).
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    Operands o = make_operands({16, 128, 96}, tg::BF16, tg::FP32, false, 7);
    auto c2_buf = make_buffer("c2", tg::FP32, {16, 96});
    View c2(*c2_buf);
    matmul(o.a, o.b, o.c);
    matmul(o.a.cols(0, 64), o.b.rows(0, 64), c2);
    matmul(o.a.cols(64, 64), o.b.rows(64, 64), c2, {BLayout::row_major, true});
    EXPECT_TRUE(bytes_of(o.c) == bytes_of(c2)) << name_of(path);
  }
}

TEST(Matmul, BadShapesAndDtypesNameTheViews) {
  auto a = make_buffer("normed_states", tg::BF16, {16, 512});
  auto b = make_buffer("wq_a", tg::BF16, {256, 64});
  auto c = make_buffer("qr_fp32", tg::FP32, {16, 64});
  auto ci = make_buffer("acc", tg::INT32, {16, 64});
  try {
    matmul(View(*a), View(*b), View(*c));
    FAIL() << "expected ShapeError";
  } catch (const tg::ShapeError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("normed_states"), std::string::npos) << msg;
    EXPECT_NE(msg.find("wq_a"), std::string::npos) << msg;
    EXPECT_NE(msg.find("K = 256"), std::string::npos) << msg;
  }
  EXPECT_THROW(matmul(View(*a).cols(0, 256), View(*b), View(*ci)), tg::ShapeError);  // bf16 -> int32
  EXPECT_THROW(matmul(View(*a).cols(0, 256), View(*b), View(*c).cols(0, 32)), tg::ShapeError);
  EXPECT_THROW(matmul(View(*a).cols(0, 256), View(*b), View()), tg::ShapeError);
}

}  // namespace

// ---- one test per CPU path: a path this CPU lacks is skipped, never silently dropped ----
class MatmulPath : public ::testing::TestWithParam<CpuPath> {};

// Shapes around every path's unrolls: K odd and not a multiple of 4, 256 or 512 (chunks);
// N tails of the 16/24/48/64-column tiles; M = 1 and 17 (row-block tails), 65 and 130 (GEMM
// forms, several row spans); M 8 with a long K (V4's o_proj shapes: many K chunks of the
// transposed kernels, a K tail in the last).
const Shape3 kEdgeShapes[] = {{1, 1, 1},     {1, 3, 25},     {17, 257, 49},  {17, 513, 23}, {4, 2, 24},
                              {16, 1030, 100}, {8, 515, 16}, {5, 64, 65},   {17, 7, 130},
                              {65, 40, 30},  {130, 9, 50},   {8, 4100, 40},
                              {8, 8203, 34}};  // several spans of packed A rows; int8 transposed: 5 K chunks, a K tail, a Bt group tail

TEST_P(MatmulPath, AgreesWithScalarBitwiseAndPackedWeightsToo) {
  const CpuPath path = GetParam();
  if (!cpu_path_supported(path))
    GTEST_SKIP() << "this CPU cannot run the " << name_of(path) << " path (supported: "
                 << [] { std::string s; for (CpuPath p : supported_cpu_paths()) s += std::string(name_of(p)) + " "; return s; }()
                 << ")";
  std::uint64_t seed = 900;
  for (const Shape3& s : kEdgeShapes)
    for (bool int8 : {false, true})
      for (bool accumulate : {false, true}) {
        SCOPED_TRACE(std::string(int8 ? "int8" : "bf16") + " m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) +
                     " n=" + std::to_string(s.n) + (accumulate ? " accumulate" : ""));
        const tg::DType in = int8 ? tg::INT8 : tg::BF16, out = int8 ? tg::INT32 : tg::FP32;
        Operands o = make_operands(s, in, out, false, seed++);
        if (int8) o.b.at<std::int8_t>({0, 0}) = -128;
        auto c_ref = make_buffer("c_ref", out, {s.m, s.n});
        auto c_packed = make_buffer("c_packed", out, {s.m, s.n});
        const View ref(*c_ref), packed(*c_packed);
        for (std::int64_t i = 0; i < s.m; ++i)
          for (std::int64_t j = 0; j < s.n; ++j) {
            set(ref, i, j, get(o.c, i, j));
            set(packed, i, j, get(o.c, i, j));
          }
        {
          ScopedCpuPath scalar(CpuPath::scalar);
          matmul(o.a, o.b, ref, {BLayout::row_major, accumulate});
        }
        ScopedCpuPath scoped(path);
        matmul(o.a, o.b, o.c, {BLayout::row_major, accumulate});
        EXPECT_TRUE(bytes_of(o.c) == bytes_of(ref)) << name_of(path) << " differs bitwise from scalar";
        const PackedWeights weights(o.b);
        matmul(o.a, weights, packed, accumulate);
        EXPECT_TRUE(bytes_of(packed) == bytes_of(ref)) << name_of(path) << " packed differs bitwise from scalar";
      }
}

// Transposed B (attention scores, V4 o_proj_a / o_proj_b): bf16 in the 16-lane order of
// matmul.hpp and exact int8 on every path, K tails of the 16 / 32-element steps included
// (1, 3, 7, 9, 257, 513, 515, 1030), B a column range of a wider matrix (row stride > K).
TEST_P(MatmulPath, TransposedAgreesWithScalarBitwise) {
  const CpuPath path = GetParam();
  if (!cpu_path_supported(path)) GTEST_SKIP() << "this CPU cannot run the " << name_of(path) << " path";
  std::uint64_t seed = 1900;
  for (const Shape3& s : kEdgeShapes)
    for (bool int8 : {false, true})
      for (bool accumulate : {false, true}) {
        SCOPED_TRACE(std::string(int8 ? "int8" : "bf16") + " transposed m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) +
                     " n=" + std::to_string(s.n) + (accumulate ? " accumulate" : ""));
        const tg::DType in = int8 ? tg::INT8 : tg::BF16, out = int8 ? tg::INT32 : tg::FP32;
        Operands o = make_operands({s.m, s.k + 37, s.n}, in, out, true, seed++);
        const View a = o.a.cols(0, s.k), bt = o.b.cols(37, s.k);
        if (int8) a.at<std::int8_t>({0, 0}) = -128, bt.at<std::int8_t>({0, 0}) = -128;
        auto c_ref = make_buffer("c_ref", out, {s.m, s.n});
        const View ref(*c_ref);
        for (std::int64_t i = 0; i < s.m; ++i)
          for (std::int64_t j = 0; j < s.n; ++j) set(ref, i, j, get(o.c, i, j));
        {
          ScopedCpuPath scalar(CpuPath::scalar);
          matmul(a, bt, ref, {BLayout::transposed, accumulate});
        }
        ScopedCpuPath scoped(path);
        matmul(a, bt, o.c, {BLayout::transposed, accumulate});
        EXPECT_TRUE(bytes_of(o.c) == bytes_of(ref)) << name_of(path) << " differs bitwise from scalar";
      }
}

// int8 at the extremes (every product -128 * -128 or -128 * 127): where vpmaddubsw's int16 pair
// sums would saturate, every form (view, packed, transposed) stays exact, equal to the scalar
// path and to the closed form; K long enough for every K chunk and the vector A packing.
TEST_P(MatmulPath, Int8ExtremesStayExactOnEveryForm) {
  const CpuPath path = GetParam();
  if (!cpu_path_supported(path)) GTEST_SKIP() << "this CPU cannot run the " << name_of(path) << " path";
  for (const Shape3& s : {Shape3{17, 1031, 40}, Shape3{8, 8203, 17}, Shape3{1, 64, 16}}) {
    SCOPED_TRACE("m=" + std::to_string(s.m) + " k=" + std::to_string(s.k) + " n=" + std::to_string(s.n));
    auto a = make_buffer("a", tg::INT8, {s.m, s.k});
    auto b = make_buffer("b", tg::INT8, {s.k, s.n});
    auto bt = make_buffer("bt", tg::INT8, {s.n, s.k});
    auto c = make_buffer("c", tg::INT32, {s.m, s.n});
    const View av(*a), bv(*b), btv(*bt), cv(*c);
    for (std::int64_t i = 0; i < s.m; ++i)
      for (std::int64_t k = 0; k < s.k; ++k) av.at<std::int8_t>({i, k}) = -128;
    for (std::int64_t k = 0; k < s.k; ++k)
      for (std::int64_t j = 0; j < s.n; ++j) {
        const std::int8_t v = j % 2 ? 127 : -128;  // even columns -128 * -128, odd -128 * 127
        bv.at<std::int8_t>({k, j}) = v;
        btv.at<std::int8_t>({j, k}) = v;
      }
    ScopedCpuPath scoped(path);
    const PackedWeights packed(bv);
    for (int form = 0; form < 3; ++form) {
      SCOPED_TRACE(form == 0 ? "view" : form == 1 ? "packed" : "transposed");
      if (form == 0) matmul(av, bv, cv);
      else if (form == 1) matmul(av, packed, cv);
      else matmul(av, btv, cv, {BLayout::transposed});
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j)
          ASSERT_EQ(cv.at<std::int32_t>({i, j}), (j % 2 ? -128 * 127 : 128 * 128) * static_cast<std::int32_t>(s.k));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Paths, MatmulPath, ::testing::Values(CpuPath::scalar, CpuPath::avx2, CpuPath::avx512),
                         [](const auto& info) { return std::string(name_of(info.param)); });

TEST(Matmul, PackedWeightsCheckShapes) {
  auto a = make_buffer("x", tg::BF16, {4, 64});
  auto b = make_buffer("w", tg::BF16, {32, 48});
  auto c = make_buffer("y", tg::FP32, {4, 48});
  const PackedWeights w{View(*b)};
  EXPECT_EQ(w.k(), 32);
  EXPECT_EQ(w.n(), 48);
  EXPECT_THROW(matmul(View(*a), w, View(*c)), tg::ShapeError);  // K 64 vs 32
  EXPECT_THROW(matmul(View(*a).cols(0, 32), w, View(*c).cols(0, 24)), tg::ShapeError);
  auto ci = make_buffer("yi", tg::INT32, {4, 48});
  EXPECT_THROW(matmul(View(*a).cols(0, 32), w, View(*ci)), tg::ShapeError);
}
