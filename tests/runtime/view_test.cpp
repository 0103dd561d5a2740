#include "runtime/view.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "runtime/tensor.hpp"

namespace {

using tg::Buffer;
using tg::View;

TEST(View, SliceRowsColsAndElementAccess) {
  tg::Tensor b("q_proj", tg::FP32, {16, 96});
  View v(b);
  auto tile = v.rows(4, 8).cols(32, 64);
  EXPECT_EQ(tile.describe(), "q_proj[4:12, 32:96]");
  EXPECT_EQ(tile.sizes(), (tg::Shape{8, 64}));
  ASSERT_NE(tile.box(), nullptr);
  EXPECT_EQ(tg::box_to_string(*tile.box()), "[4:12, 32:96]");
  EXPECT_EQ(tile.strides(), (tg::Shape{96, 1}));
  EXPECT_THROW((void)tile.size(2), std::out_of_range);
  EXPECT_EQ(tile.base(), 4 * 96 + 32);
  tile.at<float>({1, 2}) = 5.0f;
  EXPECT_EQ(b.data_as<float>()[5 * 96 + 34], 5.0f);
  EXPECT_EQ(tile.row<float>(1)[2], 5.0f);
}

// A bad slice gives a defective view that carries its ShapeError: reading it throws the
// error, which names the buffer and the box (and, at submit, the task: ApiV2 tests).
void expect_defective(const View& bad) {
  EXPECT_FALSE(bad.valid());
  ASSERT_NE(bad.defect(), nullptr);
  EXPECT_THROW((void)bad.data<tg::bf16>(), tg::ShapeError);
  EXPECT_THROW((void)bad.buffer_boxes(), tg::ShapeError);
}

TEST(View, BadSlicesNameBufferAndBox) {
  tg::Tensor b("kv_cache", tg::BF16, {64, 128});
  View v(b);
  const View bad = v.slice({60, 0}, {8, 128});
  expect_defective(bad);
  const std::string msg = bad.defect()->what();
  EXPECT_NE(msg.find("kv_cache"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[60:68, 0:128]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("out of bounds"), std::string::npos) << msg;
  EXPECT_EQ(bad.defect()->context().buffer, "kv_cache");
  EXPECT_EQ(bad.defect()->context().region, "[60:68, 0:128]");
  expect_defective(v.slice({0}, {8}));          // rank mismatch
  expect_defective(v.slice({0, 0}, {-1, 4}));   // negative size
  expect_defective(v.slice({-1, 0}, {1, 4}));   // negative offset
  expect_defective(v.cols(120, 16));
  expect_defective(v.cols(120, 16).rows(0, 1));  // slices of a defective view stay defective
  expect_defective(v.slice({0, INT64_MAX}, {1, 2}));  // no overflow in the bounds check
  EXPECT_TRUE(v.slice({0, 0}, {64, 128}).valid());
  EXPECT_THROW((void)v.at<float>({0, 0}), tg::ShapeError);          // dtype mismatch
  EXPECT_THROW((void)v.at<tg::bf16>({64, 0}), tg::ShapeError);      // index out of bounds
}

TEST(View, ReshapeNeedsContiguousAndSameCount) {
  tg::Tensor b("x", tg::FP32, {4, 6});
  View v(b);
  auto r = v.reshape({2, 12});
  EXPECT_EQ(r.sizes(), (tg::Shape{2, 12}));
  EXPECT_EQ(r.box(), nullptr);
  // Reshaped back to the buffer's own shape, the view is a box of the buffer again.
  const auto back = r.reshape({4, 6});
  ASSERT_NE(back.box(), nullptr);
  EXPECT_EQ(tg::box_to_string(*back.box()), "[0:4, 0:6]");
  EXPECT_EQ(back.describe(), "x[0:4, 0:6]");
  EXPECT_TRUE(v.rows(1, 2).reshape({12}).is_contiguous());
  EXPECT_FALSE(v.cols(0, 3).reshape({12}).valid());  // not contiguous
  EXPECT_FALSE(v.reshape({5, 5}).valid());
  EXPECT_THROW((void)v.reshape({5, 5}).data<float>(), tg::ShapeError);
  // Element (1, 0) of the reshaped view is flat element 12 = buffer (2, 0).
  r.at<float>({1, 0}) = 3.0f;
  EXPECT_EQ(v.at<float>({2, 0}), 3.0f);
  EXPECT_NE(r.slice({0, 6}, {2, 3}).describe().find("as [2, 12]"), std::string::npos);
}

TEST(View, BufferBoxesOfAReshapedSliceAreExact) {
  Buffer b("q", tg::BF16, {4, 24}, tg::Role::Staging);  // structure only: no memory needed
  // Per-head view: [4 rows x 24] as [16 heads-rows x 6], take columns 4..6 of each.
  auto heads = View(b).reshape({16, 6}).cols(4, 2);
  std::int64_t total = 0;
  for (const auto& box : heads.buffer_boxes()) total += box.numel();
  EXPECT_EQ(total, 32);
}

// Dims keeps four values inline and the rest of a rank-8 box on the heap: copies, moves and
// a push_back across the boundary keep every value (issue 15: Dims 72 -> 40 bytes).
TEST(Dims, HighRanksSpillAndSurviveCopiesAndMoves) {
  tg::Dims d{1, 2, 3, 4};
  d.push_back(5);  // the fifth value moves the inline four to the heap
  for (std::int64_t v = 6; v <= 8; ++v) d.push_back(v);
  EXPECT_EQ(d, (tg::Shape{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_THROW(d.push_back(9), tg::ShapeError);
  tg::Dims copy = d;
  copy[7] = 80;
  EXPECT_EQ(d[7], 8);  // a deep copy
  tg::Dims small{9, 9};
  small = copy;        // inline -> heap
  EXPECT_EQ(small, copy);
  copy = tg::Dims{7};  // heap -> inline
  EXPECT_EQ(copy, (tg::Shape{7}));
  tg::Dims moved = std::move(small);
  EXPECT_EQ(moved.size(), 8u);
  EXPECT_EQ(moved.back(), 80);
  EXPECT_EQ(tg::Dims(6, 3), (tg::Shape{3, 3, 3, 3, 3, 3}));
  EXPECT_EQ(tg::Dims(tg::Shape{1, 2, 3, 4, 5}).at(4), 5);
}

TEST(View, RankSixSlicesAndReshapesKeepTheirStrides) {
  Buffer b("t6", tg::FP32, {2, 3, 4, 5, 6, 7}, tg::Role::Staging);
  const View v(b);
  EXPECT_EQ(v.strides(), (tg::Shape{2520, 840, 210, 42, 7, 1}));
  const View s = v.slice({1, 1, 1, 1, 1, 1}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(s.base(), 2520 + 840 + 210 + 42 + 7 + 1);
  EXPECT_EQ(s.strides(), v.strides());
  ASSERT_NE(s.box(), nullptr);
  EXPECT_EQ(tg::box_to_string(*s.box()), "[1:2, 1:3, 1:4, 1:5, 1:6, 1:7]");
  const View r = View(b).rows(1, 1).reshape({3, 4, 210});
  EXPECT_EQ(r.strides(), (tg::Shape{840, 210, 1}));
  EXPECT_EQ(r.base(), 2520);
  EXPECT_EQ(r.box(), nullptr);
  EXPECT_EQ(r.slice({1, 0, 0}, {1, 4, 210}).base(), 2520 + 840);
}

// The per-argument budget of issue 15 on x86-64 / libstdc++: a View was 280 bytes (a rank-8
// inline Box plus rank-8 strides and two shared pointers).
TEST(View, SizeBudget) {
  EXPECT_LE(sizeof(tg::Dims), 40u);
  EXPECT_LE(sizeof(tg::Box), 80u);
  EXPECT_LE(sizeof(View), 128u);
  // A defective or reshaped view still compares and copies through its shared part.
  Buffer b("x", tg::FP32, {4, 4}, tg::Role::Staging);
  const View bad = View(b).slice({0, 0}, {8, 8});
  const View copy = bad;
  EXPECT_FALSE(copy.valid());
  EXPECT_EQ(copy.defect(), bad.defect());
  EXPECT_TRUE(copy == bad);
  EXPECT_FALSE(copy == View(b));
}

TEST(Buffer, RejectsBadShapes) {
  EXPECT_THROW(Buffer("bad", tg::FP32, {4, 0}, tg::Role::Input), tg::ShapeError);
  EXPECT_THROW(Buffer("bad", tg::FP32, {}, tg::Role::Input), tg::ShapeError);
  EXPECT_THROW(Buffer("huge", tg::FP32, {1 << 30, 1 << 30}, tg::Role::Input), tg::ShapeError);  // > 2^48 elements
}

TEST(View, OfABufferIsUnboundAndSaysSo) {
  Buffer b("q", tg::FP32, {4, 4}, tg::Role::Staging);
  try {
    (void)View(b).at<float>({0, 0});
    FAIL() << "expected ShapeError";
  } catch (const tg::ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("not bound to memory"), std::string::npos) << e.what();
  }
}

TEST(Tensor, IsZeroFilledAlignedAndSharedByCopies) {
  tg::Tensor t("z", tg::INT32, {3, 5});
  for (int i = 0; i < 15; ++i) EXPECT_EQ(t.data_as<std::int32_t>()[i], 0);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(t.data()) % 64, 0u);
  const tg::Tensor alias = t;
  alias.data_as<std::int32_t>()[3] = 9;
  EXPECT_EQ(t.view().at<std::int32_t>({0, 3}), 9);
  const tg::Tensor copy = t.clone();
  copy.data_as<std::int32_t>()[3] = 1;
  EXPECT_EQ(t.data_as<std::int32_t>()[3], 9);
  EXPECT_THROW((void)t.data_as<float>(), tg::ShapeError);
  EXPECT_THROW(tg::Tensor("bad", tg::FP32, {0}), tg::ShapeError);
  alignas(4) std::int32_t external[15] = {};
  const auto wrapped = tg::Tensor::wrap("w", tg::INT32, {3, 5}, external);
  wrapped.view().at<std::int32_t>({2, 4}) = 5;
  EXPECT_EQ(external[14], 5);
  EXPECT_FALSE(wrapped.owns_memory());
}

}  // namespace
