// matmul_lane_segments (models/common/lane_matmul.hpp) and WeightPacks' transposed slots: the
// packed forms of a transposed-B projection give the bits of the view kernel on every CPU
// path this machine has, on shapes where the transposed order matters (values whose fp32 sums
// round differently in another order); bad shapes are clear errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "kernels/cpu_path.hpp"
#include "kernels/matmul.hpp"
#include "kernels/packed_weights.hpp"
#include "models/common/lane_matmul.hpp"
#include "models/common/weight_packs.hpp"
#include "runtime/error.hpp"

namespace {

using tg::kernels::BLayout;

// Values spread over 2^-8 .. 2^8 with both signs: fp32 sums of their products depend on the order.
tg::Tensor filled(const char* name, tg::DType dtype, tg::Shape shape, int seed) {
  tg::Tensor t(name, dtype, shape);
  for (std::int64_t i = 0; i < t.numel(); ++i) {
    const std::int64_t h = (i * 2654435761 + seed * 40503) % 1000003;
    if (dtype == tg::INT8)
      t.data_as<std::int8_t>()[i] = static_cast<std::int8_t>(h % 255 - 127);
    else
      t.data_as<tg::bf16>()[i] = tg::bf16(static_cast<float>(h % 201 - 100) * std::ldexp(1.0f, static_cast<int>(h % 17) - 8) / 7.0f);
  }
  return t;
}

std::vector<tg::kernels::CpuPath> paths_of_this_machine() {
  std::vector<tg::kernels::CpuPath> paths;
  for (const auto path : {tg::kernels::CpuPath::scalar, tg::kernels::CpuPath::avx2, tg::kernels::CpuPath::avx512}) {
    if (tg::kernels::cpu_path_supported(path))
      paths.push_back(path);
    else  // said, never silent
      std::printf("cpu path %s: not checked, this CPU lacks it\n", std::string(tg::kernels::name_of(path)).c_str());
  }
  return paths;
}

TEST(LaneMatmulTest, LaneSegmentsGiveTheTransposedViewsBitsOnEveryPath) {
  struct Shape {
    std::int64_t m, k, n, weight_rows, row0;
  };
  // M 1 / 8 / 17, K one run / many runs / 4096 (o_proj_a), N tails of the 24-column tile, a
  // tile starting inside the weight.
  for (const Shape s : {Shape{1, 32, 1, 1, 0}, Shape{8, 4096, 50, 64, 7}, Shape{17, 96, 24, 30, 3}, Shape{4, 512, 37, 40, 0}}) {
    tg::models::TensorMap tensors;
    tensors.put(filled("wo_a", tg::BF16, {s.weight_rows, s.k}, 1));
    const tg::Tensor a = filled("a", tg::BF16, {s.m, s.k}, 2);
    const tg::View bt = tensors.tensor("wo_a").view().rows(s.row0, s.n);
    tg::models::WeightPacks packs;
    const auto first = packs.add_lane_segments(bt);
    EXPECT_EQ(packs.size(), 16u);
    EXPECT_EQ(packs.find(bt), first);
    packs.pack(tensors);
    for (const auto path : paths_of_this_machine()) {
      tg::kernels::ScopedCpuPath forced(path);
      tg::Tensor by_view("c", tg::FP32, {s.m, s.n}), by_lanes("c", tg::FP32, {s.m, s.n});
      tg::kernels::matmul(a.view(), bt, by_view.view(), {.b_layout = BLayout::transposed});
      tg::models::matmul_lane_segments(a.view(), packs, first, bt, by_lanes.view());
      const std::string what = std::string(tg::kernels::name_of(path)) + " M " + std::to_string(s.m) + " K " +
                               std::to_string(s.k) + " N " + std::to_string(s.n);
      EXPECT_EQ(0, std::memcmp(by_view.data(), by_lanes.data(), by_view.bytes())) << what;
    }
  }
}

TEST(LaneMatmulTest, TheOrderMattersOnTheseValues) {
  // The test above could not fail if every order gave the same bits: a row-major sum of the
  // transposed weights differs from the transposed order somewhere.
  tg::models::TensorMap tensors;
  tensors.put(filled("w", tg::BF16, {50, 4096}, 1));
  const tg::Tensor a = filled("a", tg::BF16, {8, 4096}, 2);
  tg::models::WeightPacks packs;
  const auto slot = packs.add_transposed(tensors.tensor("w").view());
  packs.pack(tensors);
  tg::Tensor by_view("c", tg::FP32, {8, 50}), row_major("c", tg::FP32, {8, 50});
  tg::kernels::matmul(a.view(), tensors.tensor("w").view(), by_view.view(), {.b_layout = BLayout::transposed});
  tg::kernels::matmul(a.view(), packs.get(slot, tensors.tensor("w").view()), row_major.view());
  EXPECT_NE(0, std::memcmp(by_view.data(), row_major.data(), by_view.bytes()));
}

TEST(LaneMatmulTest, TransposedInt8SlotsGiveTheExactSums) {
  tg::models::TensorMap tensors;
  tensors.put(filled("wo_b", tg::INT8, {40, 3 * 96}, 3));
  const tg::Tensor a = filled("a", tg::INT8, {8, 3 * 96}, 4);
  tg::models::WeightPacks packs;
  for (int g = 0; g < 3; ++g) packs.add_transposed(tensors.tensor("wo_b").view().rows(8, 24).cols(g * 96, 96));
  packs.pack(tensors);
  for (int g = 0; g < 3; ++g) {
    const tg::View bt = tensors.tensor("wo_b").view().rows(8, 24).cols(g * 96, 96);
    tg::Tensor by_view("c", tg::INT32, {8, 24}), by_pack("c", tg::INT32, {8, 24});
    tg::kernels::matmul(a.view().cols(g * 96, 96), bt, by_view.view(), {.b_layout = BLayout::transposed});
    tg::kernels::matmul(a.view().cols(g * 96, 96), packs.get(packs.find(bt), bt), by_pack.view());
    EXPECT_EQ(0, std::memcmp(by_view.data(), by_pack.data(), by_view.bytes())) << "group " << g;
  }
}

TEST(LaneMatmulTest, BadShapesAndUnregisteredTilesAreClearErrors) {
  tg::models::TensorMap tensors;
  tensors.put(filled("w", tg::BF16, {8, 48}, 1));
  tg::models::WeightPacks packs;
  const tg::View w = tensors.tensor("w").view();
  try {
    packs.add_lane_segments(w);  // K 48: not a multiple of 32
    FAIL() << "K 48 accepted";
  } catch (const tg::ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("multiple of 32"), std::string::npos) << e.what();
  }
  try {
    packs.find(w.rows(0, 4));
    FAIL() << "an unregistered tile was found";
  } catch (const tg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no transposed slot holds w"), std::string::npos) << e.what();
  }
  EXPECT_THROW(packs.add_transposed(w.reshape({16, 24})), tg::ShapeError);  // rows that are not the buffer's rows
}

}  // namespace
