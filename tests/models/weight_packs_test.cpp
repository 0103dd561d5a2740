// WeightPacks: slots registered before the data exists, packed once from the bound tensors;
// the packed tile gives the view's bits; use before pack() or on other memory is an Error.
#include <gtest/gtest.h>

#include <cstring>

#include "kernels/matmul.hpp"
#include "models/common/weight_packs.hpp"
#include "runtime/error.hpp"

namespace {

tg::Tensor filled(const char* name, tg::DType dtype, tg::Shape shape, float scale) {
  tg::Tensor t(name, dtype, shape);
  for (std::int64_t i = 0; i < t.numel(); ++i)
    t.data_as<tg::bf16>()[i] = tg::bf16(scale * static_cast<float>((i * 37) % 101 - 50));
  return t;
}

TEST(WeightPacksTest, PackedTilesGiveTheViewsBits) {
  tg::models::TensorMap tensors;
  tensors.put(filled("w", tg::BF16, {130, 100}, 0.01f));
  const tg::Tensor a = filled("a", tg::BF16, {5, 130}, 0.02f);
  tg::models::WeightPacks packs;
  const auto first = packs.add("w", 0, 48);
  const auto second = packs.add("w", 48, 52);  // not a multiple of the 24-column tile
  EXPECT_FALSE(packs.packed());
  const tg::View w = tensors.tensor("w").view();
  EXPECT_THROW(packs.get(first, w.cols(0, 48)), tg::Error);
  packs.pack(tensors);
  EXPECT_TRUE(packs.packed());
  EXPECT_GE(packs.pack_ms(), 0.0);
  for (const auto& [slot, c0, cols] : {std::tuple{first, 0, 48}, std::tuple{second, 48, 52}}) {
    tg::Tensor by_view("c", tg::FP32, {5, cols}), by_pack("c", tg::FP32, {5, cols});
    tg::kernels::matmul(a.view(), w.cols(c0, cols), by_view.view());
    tg::kernels::matmul(a.view(), packs.get(slot, w.cols(c0, cols)), by_pack.view());
    EXPECT_EQ(0, std::memcmp(by_view.data(), by_pack.data(), by_view.bytes())) << "slot " << slot;
  }
  // Other memory than the packed one: refused, with what to do.
  const tg::Tensor copy = tensors.tensor("w").clone();
  try {
    packs.get(first, copy.view().cols(0, 48));
    FAIL() << "expected Error";
  } catch (const tg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("w[:, 0:48]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("pack() again"), std::string::npos) << e.what();
  }
}

// A split-K projection registers the column tiles of a row range (each split its own sum):
// found by rows and columns, packed from those rows only, named with its rows in errors.
TEST(WeightPacksTest, RowRangeTilesAreTheirOwnSlots) {
  tg::models::TensorMap tensors;
  tensors.put(filled("w", tg::BF16, {128, 96}, 0.01f));
  const tg::Tensor a = filled("a", tg::BF16, {3, 64}, 0.02f);
  tg::models::WeightPacks packs;
  const tg::View w = tensors.tensor("w").view();
  packs.add_column_tiles(w.rows(0, 64), 48);
  packs.add_column_tiles(w.rows(64, 64), 48);
  EXPECT_EQ(packs.size(), 4u);
  packs.pack(tensors);
  for (std::int64_t r0 : {0, 64})
    for (std::int64_t c0 : {0, 48}) {
      const tg::View tile = w.rows(r0, 64).cols(c0, 48);
      tg::Tensor by_view("c", tg::FP32, {3, 48}), by_pack("c", tg::FP32, {3, 48});
      tg::kernels::matmul(a.view(), tile, by_view.view());
      const auto& packed = packs.get(tile);
      EXPECT_EQ(packed.k(), 64);
      tg::kernels::matmul(a.view(), packed, by_pack.view());
      EXPECT_EQ(0, std::memcmp(by_view.data(), by_pack.data(), by_view.bytes())) << r0 << ", " << c0;
    }
  EXPECT_THROW(packs.get(w.rows(0, 128).cols(0, 48)), tg::Error);  // all rows: no such slot
  const tg::Tensor copy = tensors.tensor("w").clone();
  try {
    packs.get(copy.view().rows(64, 64).cols(48, 48));
    FAIL() << "expected Error";
  } catch (const tg::Error& e) {
    EXPECT_NE(std::string(e.what()).find("w[64:128, 48:96]"), std::string::npos) << e.what();
  }
}

}  // namespace
