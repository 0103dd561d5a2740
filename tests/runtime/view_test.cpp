#include "runtime/view.hpp"

#include <gtest/gtest.h>

namespace {

using tg::Buffer;
using tg::View;

TEST(View, SliceRowsColsAndElementAccess) {
  Buffer b("q_proj", tg::FP32, {16, 96}, tg::Role::Staging);
  View v(b);
  auto tile = v.rows(4, 8).cols(32, 64);
  EXPECT_EQ(tile.describe(), "q_proj[4:12, 32:96]");
  EXPECT_EQ(tile.sizes(), (tg::Shape{8, 64}));
  EXPECT_EQ(tile.base(), 4 * 96 + 32);
  tile.at<float>({1, 2}) = 5.0f;
  EXPECT_EQ(b.data_as<float>()[5 * 96 + 34], 5.0f);
  EXPECT_EQ(tile.row<float>(1)[2], 5.0f);
}

TEST(View, BadSlicesNameBufferAndBox) {
  Buffer b("kv_cache", tg::BF16, {64, 128}, tg::Role::InOut);
  View v(b);
  try {
    (void)v.slice({60, 0}, {8, 128});
    FAIL() << "expected ShapeError";
  } catch (const tg::ShapeError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("kv_cache"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[60:68, 0:128]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("out of bounds"), std::string::npos) << msg;
  }
  EXPECT_THROW((void)v.slice({0}, {8}), tg::ShapeError);            // rank mismatch
  EXPECT_THROW((void)v.slice({0, 0}, {-1, 4}), tg::ShapeError);     // negative size
  EXPECT_THROW((void)v.slice({-1, 0}, {1, 4}), tg::ShapeError);     // negative offset
  EXPECT_THROW((void)v.cols(120, 16), tg::ShapeError);
  EXPECT_THROW((void)v.at<float>({0, 0}), tg::ShapeError);          // dtype mismatch
  EXPECT_THROW((void)v.at<tg::bf16>({64, 0}), tg::ShapeError);      // index out of bounds
}

TEST(View, ReshapeNeedsContiguousAndSameCount) {
  Buffer b("x", tg::FP32, {4, 6}, tg::Role::Input);
  View v(b);
  auto r = v.reshape({2, 12});
  EXPECT_EQ(r.sizes(), (tg::Shape{2, 12}));
  EXPECT_FALSE(r.box().has_value());
  EXPECT_TRUE(v.rows(1, 2).reshape({12}).is_contiguous());
  EXPECT_THROW((void)v.cols(0, 3).reshape({12}), tg::ShapeError);  // not contiguous
  EXPECT_THROW((void)v.reshape({5, 5}), tg::ShapeError);
  // Element (1, 0) of the reshaped view is flat element 12 = buffer (2, 0).
  r.at<float>({1, 0}) = 3.0f;
  EXPECT_EQ(v.at<float>({2, 0}), 3.0f);
  EXPECT_NE(r.slice({0, 6}, {2, 3}).describe().find("as [2, 12]"), std::string::npos);
}

TEST(View, BufferBoxesOfAReshapedSliceAreExact) {
  Buffer b("q", tg::BF16, {4, 24}, tg::Role::Staging);
  // Per-head view: [4 rows x 24] as [16 heads-rows x 6], take columns 4..6 of each.
  auto heads = View(b).reshape({16, 6}).cols(4, 2);
  std::int64_t total = 0;
  for (const auto& box : heads.buffer_boxes()) total += box.numel();
  EXPECT_EQ(total, 32);
}

TEST(Buffer, RejectsBadShapesAndIsZeroFilled) {
  EXPECT_THROW(Buffer("bad", tg::FP32, {4, 0}, tg::Role::Input), tg::ShapeError);
  EXPECT_THROW(Buffer("bad", tg::FP32, {}, tg::Role::Input), tg::ShapeError);
  Buffer b("z", tg::INT32, {3, 5}, tg::Role::Staging);
  EXPECT_FALSE(b.allocated());
  for (int i = 0; i < 15; ++i) EXPECT_EQ(b.data_as<std::int32_t>()[i], 0);
  EXPECT_TRUE(b.allocated());
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % 64, 0u);
}

}  // namespace
