// The region index's exact-match fast path and its parts: the slot hash (erase with
// backward shift must keep every other key findable), the inline reader list, and the
// index answering the same as a scan whether a query is an exact live box or not.
#include "tasks/region_index.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>

#include "tasks/huge_page_allocator.hpp"
#include "tasks/reader_list.hpp"
#include "tasks/slot_by_key.hpp"

namespace {

using namespace tg;

TEST(SlotByKey, EraseKeepsEveryOtherKeyFindableUnderChurn) {
  SlotByKey map;
  std::map<std::int64_t, std::uint32_t> reference;
  std::mt19937 rng(5);
  for (int step = 0; step < 20000; ++step) {
    // Multiples of 16, as tile keys are, so homes collide and probe runs form.
    const std::int64_t key = static_cast<std::int64_t>(rng() % 512) * 16;
    if (reference.count(key)) {
      map.erase(key);
      reference.erase(key);
    } else {
      map.insert(key, key + 1, static_cast<std::uint32_t>(step));
      reference[key] = static_cast<std::uint32_t>(step);
    }
    if (step % 97 == 0)
      for (std::int64_t k = 0; k < 512 * 16; k += 16) {
        const auto it = reference.find(k);
        ASSERT_EQ(map.find(k, k + 1), it == reference.end() ? SlotByKey::kNone : it->second) << "key " << k << " step " << step;
        if (it != reference.end()) {
          ASSERT_EQ(map.find(k, k), SlotByKey::kNone) << "a wrong check finds nothing";
        }
      }
  }
  EXPECT_EQ(map.size(), reference.size());
}

TEST(ReaderList, KeepsOrderPastTheInlineReaders) {
  ReaderList list;
  for (int i = 0; i < 7; ++i) list.push_back({static_cast<TaskId>(i), i % 2});
  ASSERT_EQ(list.size(), 7u);
  std::vector<TaskId> seen;
  list.for_each([&](const RegionReader& r) { seen.push_back(r.task); });
  EXPECT_EQ(seen, (std::vector<TaskId>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(list[5].task, 5u);
  list.clear();
  EXPECT_TRUE(list.empty());
  list.push_back({9, 0});
  EXPECT_EQ(list[0].task, 9u);
}

// The index's slot lines are 64-byte aligned structs in small and huge arrays alike: a
// misaligned line would straddle two cache lines (and is undefined behaviour).
TEST(HugePageAllocator, KeepsOverAlignedElementsAligned) {
  struct alignas(64) Line {
    std::int64_t values[8];
  };
  for (std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{100}, std::size_t{40000}}) {
    std::vector<Line, HugePageAllocator<Line>> lines(n);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(lines.data()) % 64, 0u) << n << " lines";
  }
}

Box box2(std::int64_t r, std::int64_t c, std::int64_t h, std::int64_t w) { return Box{Dims{r, c}, Dims{h, w}}; }

// Random tiles written and read over a grid; every query's hits must be what a scan of
// all live boxes finds, exact queries (the fast path) and straddling ones alike.
TEST(RegionIndex, ExactAndStraddlingQueriesFindWhatAScanFinds) {
  const Shape shape{64, 64};
  RegionIndex index(shape);
  std::vector<Box> live{Box{Dims{0, 0}, Dims{64, 64}}};
  index.insert(live[0], RegionState{});
  std::mt19937 rng(11);
  for (int step = 0; step < 3000; ++step) {
    // Tiles of 8 x 8 most of the time (exact matches once written), sometimes a box
    // across tiles.
    Box q;
    if (rng() % 4) {
      q = box2(8 * (rng() % 8), 8 * (rng() % 8), 8, 8);
    } else {
      const std::int64_t r = rng() % 60, c = rng() % 60;
      q = box2(r, c, 1 + rng() % (64 - r), 1 + rng() % (64 - c));
    }
    std::int64_t expected = 0, found = 0;
    for (const auto& b : live)
      if (intersect(b, q)) ++expected;
    index.for_each_intersecting(q, [&](RegionState&, const Box& box, const Box& overlap) {
      ++found;
      ASSERT_EQ(intersect(box, q), overlap);
    });
    ASSERT_EQ(found, expected) << "step " << step << " query " << box_to_string(q);
    // Write q: the boxes it covers are cut, q joins as one box (as inference does).
    std::vector<Box> next;
    for (const auto& b : live) {
      if (!intersect(b, q)) {
        next.push_back(b);
        continue;
      }
      for (auto& piece : subtract(b, *intersect(b, q))) next.push_back(piece);
    }
    next.push_back(q);
    live = std::move(next);
    index.update_intersecting(q, [&](RegionState&, const Box& box, const Box& overlap, std::vector<RegionEntry>& replacement) {
      for (auto& piece : subtract(box, overlap)) replacement.push_back(RegionEntry{piece, RegionState{}});
      return true;
    });
    index.insert(q, RegionState{true, static_cast<TaskId>(step), 0, {}});
    ASSERT_EQ(index.size(), live.size());
    ASSERT_NE(index.find_exact(q), nullptr);
    EXPECT_EQ(index.find_exact(q)->writer, static_cast<TaskId>(step));
  }
}

TEST(RegionIndex, FindExactIsOnlyAnExactMatch) {
  RegionIndex index(Shape{4, 16, 32});
  const Box tile{Dims{1, 0, 8}, Dims{2, 16, 8}};
  index.insert(tile, RegionState{true, 3, 0, {}});
  ASSERT_NE(index.find_exact(tile), nullptr);
  EXPECT_EQ(index.find_exact(Box{Dims{1, 0, 8}, Dims{1, 16, 8}}), nullptr);  // same first element, smaller
  EXPECT_EQ(index.find_exact(Box{Dims{1, 0, 8}, Dims{2, 16, 4}}), nullptr);
  const auto version = index.layout_version();
  index.find_exact(tile)->readers.push_back({4, 1});
  EXPECT_EQ(index.layout_version(), version);  // content changes keep entry pointers valid
}

}  // namespace
