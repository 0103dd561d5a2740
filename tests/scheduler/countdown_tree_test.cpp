#include "scheduler/countdown_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

namespace {

using tg::CountdownNode;
using tg::CountdownTree;

TEST(CountdownTree, NodeCountsPerLevel) {
  EXPECT_EQ(CountdownTree::nodes_for(1), 1u);
  EXPECT_EQ(CountdownTree::nodes_for(64), 1u);
  EXPECT_EQ(CountdownTree::nodes_for(65), 3u);             // 2 groups + the root
  EXPECT_EQ(CountdownTree::nodes_for(4096), 65u);          // 64 groups + the root
  EXPECT_EQ(CountdownTree::nodes_for(100000), 1563u + 25u + 1u);
}

// Only the very last arrival reports the end, whatever the order, and the tree can be armed
// again for the next round.
TEST(CountdownTree, OnlyTheLastArrivalInAnyOrderEndsIt) {
  std::mt19937 rng(7);
  for (std::size_t count : {1u, 2u, 63u, 64u, 65u, 130u, 4096u, 4097u, 100000u}) {
    std::vector<CountdownNode> nodes(CountdownTree::nodes_for(count));
    for (int round = 0; round < 2; ++round) {
      CountdownTree tree(nodes, count);
      std::vector<std::size_t> order(count);
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      for (std::size_t i = 0; i < count; ++i)
        ASSERT_EQ(tree.arrive(order[i]), i + 1 == count) << "count " << count << ", arrival " << i;
    }
  }
}

// Two threads arrive at interleaved positions: exactly one of them sees the end.
TEST(CountdownTree, ConcurrentArrivalsEndItExactlyOnce) {
  constexpr std::size_t kCount = 20000;
  std::vector<CountdownNode> nodes(CountdownTree::nodes_for(kCount));
  for (int round = 0; round < 5; ++round) {
    CountdownTree tree(nodes, kCount);
    int ends[2] = {0, 0};
    auto arrive_from = [&](int parity) {
      for (std::size_t p = static_cast<std::size_t>(parity); p < kCount; p += 2) ends[parity] += tree.arrive(p);
    };
    std::thread other(arrive_from, 1);
    arrive_from(0);
    other.join();
    EXPECT_EQ(ends[0] + ends[1], 1);
  }
}

}  // namespace
