#include <gtest/gtest.h>

#include <random>
#include <set>

#include "runtime/view.hpp"

namespace {

using tg::Buffer;
using tg::View;

std::set<std::int64_t> elements(const View& v) {
  std::set<std::int64_t> s;
  std::vector<std::int64_t> idx(static_cast<std::size_t>(v.rank()), 0);
  while (true) {
    std::int64_t off = v.base();
    for (int d = 0; d < v.rank(); ++d) off += idx[static_cast<std::size_t>(d)] * v.strides()[static_cast<std::size_t>(d)];
    s.insert(off);
    int d = v.rank() - 1;
    while (d >= 0 && ++idx[static_cast<std::size_t>(d)] == v.sizes()[static_cast<std::size_t>(d)]) idx[static_cast<std::size_t>(d--)] = 0;
    if (d < 0) break;
  }
  return s;
}

View random_box(std::mt19937& rng, const View& v) {
  tg::Shape off(v.sizes().size()), sz(v.sizes().size());
  for (std::size_t d = 0; d < off.size(); ++d) {
    std::uniform_int_distribution<std::int64_t> o(0, v.sizes()[d] - 1);
    off[d] = o(rng);
    std::uniform_int_distribution<std::int64_t> s(1, v.sizes()[d] - off[d]);
    sz[d] = s(rng);
  }
  return v.slice(off, sz);
}

// A random view: a box, or a box of a reshape of a contiguous row range.
View random_view(std::mt19937& rng, Buffer& b) {
  View whole(b);
  switch (rng() % 3) {
    case 0: return random_box(rng, whole);
    case 1: {
      // Reshape the whole [12, 24] buffer into another row-major frame.
      static const std::vector<tg::Shape> frames = {{288}, {24, 12}, {6, 48}, {3, 4, 24}, {12, 2, 12}, {36, 8}, {9, 32}};
      return random_box(rng, whole.reshape(frames[rng() % frames.size()]));
    }
    default: {
      // Reshape a contiguous run of rows [r0, r0 + n) into [n * 4, 6].
      const std::int64_t r0 = static_cast<std::int64_t>(rng() % 12);
      const std::int64_t n = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(12 - r0));
      return random_box(rng, whole.rows(r0, n).reshape({n * 4, 6}));
    }
  }
}

TEST(Overlap, MatchesBruteForceOnRandomPairs) {
  Buffer b("buf", tg::FP32, {12, 24}, tg::Role::Staging);
  std::mt19937 rng(2024);
  int overlapping = 0;
  for (int i = 0; i < 20000; ++i) {
    const View a = random_view(rng, b);
    const View c = random_view(rng, b);
    const auto ea = elements(a), ec = elements(c);
    bool brute = false;
    for (auto e : ea)
      if (ec.count(e)) {
        brute = true;
        break;
      }
    ASSERT_EQ(tg::overlaps(a, c), brute) << a.describe() << " vs " << c.describe();
    overlapping += brute;
    // The decomposition covers exactly the view's elements.
    std::int64_t covered = 0;
    for (const auto& box : a.buffer_boxes()) covered += box.numel();
    ASSERT_EQ(covered, static_cast<std::int64_t>(ea.size())) << a.describe();
  }
  // Both outcomes must be well represented for the test to mean something.
  EXPECT_GT(overlapping, 2000);
  EXPECT_LT(overlapping, 18000);
}

TEST(Overlap, DisjointSlicesAndOtherBuffers) {
  Buffer b("b", tg::FP32, {16, 128}, tg::Role::Staging);
  Buffer other("o", tg::FP32, {16, 128}, tg::Role::Staging);
  View v(b);
  EXPECT_FALSE(tg::overlaps(v.cols(0, 64), v.cols(64, 64)));
  EXPECT_TRUE(tg::overlaps(v.cols(0, 65), v.cols(64, 64)));
  EXPECT_FALSE(tg::overlaps(v, View(other)));
  const auto region = tg::overlap_region(v.cols(0, 96), v.rows(8, 8).cols(32, 96));
  ASSERT_TRUE(region.has_value());
  EXPECT_EQ(tg::box_to_string(*region), "[8:16, 32:96]");
}

}  // namespace
