// The reduction of all-reduce and reduce-scatter, alone (no MPI needed).
#include "distributed/fixed_order_sum.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "runtime/bf16.hpp"
#include "runtime/error.hpp"

namespace {

using namespace tg;

TEST(FixedOrderSum, Fp32SumsInRankOrder) {
  // (1e8 + 1) + -1e8 = 0 in fp32, while 1e8 + (1 + -1e8) = 8 would be another order.
  const std::vector<float> parts = {1e8f, 2.0f, 1.0f, 3.0f, -1e8f, 4.0f};  // 3 parts of 2 elements
  std::vector<float> out(2);
  sum_in_rank_order(FP32, reinterpret_cast<const std::byte*>(parts.data()), 3, 2, reinterpret_cast<std::byte*>(out.data()));
  EXPECT_EQ(out[0], (1e8f + 1.0f) + -1e8f);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 9.0f);
}

TEST(FixedOrderSum, Bf16AccumulatesInFp32AndRoundsOnce) {
  // 256 + 1 + 1 + 1 + 1: bf16 steps would stay at 256 (257 rounds to 256); fp32 gives 260.
  std::vector<bf16> parts = {bf16(256.0f), bf16(1.0f), bf16(1.0f), bf16(1.0f), bf16(1.0f)};
  bf16 out;
  sum_in_rank_order(BF16, reinterpret_cast<const std::byte*>(parts.data()), 5, 1, reinterpret_cast<std::byte*>(&out));
  EXPECT_EQ(out, bf16(260.0f));
}

TEST(FixedOrderSum, Int32WrapsAndInt8IsRefused) {
  const std::vector<std::int32_t> parts = {2147483647, 1};
  std::int32_t out = 0;
  sum_in_rank_order(INT32, reinterpret_cast<const std::byte*>(parts.data()), 2, 1, reinterpret_cast<std::byte*>(&out));
  EXPECT_EQ(out, -2147483647 - 1);
  std::int8_t small[2] = {1, 2}, small_out = 0;
  EXPECT_THROW(sum_in_rank_order(INT8, reinterpret_cast<const std::byte*>(small), 2, 1, reinterpret_cast<std::byte*>(&small_out)),
               Error);
}

TEST(FixedOrderSum, LongBf16RowsCrossTheAccumulatorTiles) {
  constexpr std::int64_t kCount = 5000;  // more than one 2048-element tile
  std::vector<bf16> parts(2 * kCount);
  for (std::int64_t i = 0; i < kCount; ++i) {
    parts[static_cast<std::size_t>(i)] = bf16(static_cast<float>(i % 100));
    parts[static_cast<std::size_t>(kCount + i)] = bf16(0.5f);
  }
  std::vector<bf16> out(kCount);
  sum_in_rank_order(BF16, reinterpret_cast<const std::byte*>(parts.data()), 2, kCount, reinterpret_cast<std::byte*>(out.data()));
  for (std::int64_t i = 0; i < kCount; ++i) ASSERT_EQ(out[static_cast<std::size_t>(i)], bf16(static_cast<float>(i % 100) + 0.5f)) << i;
}

}  // namespace
