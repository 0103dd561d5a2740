#include "models/common/lane_matmul.hpp"

#include <cstdint>
#include <vector>

#include "kernels/packed_weights.hpp"
#include "runtime/error.hpp"
#include "runtime/tensor.hpp"

namespace tg::models {

namespace {
constexpr std::int64_t kLanes = 16;
}  // namespace

void matmul_lane_segments(const View& a, const WeightPacks& packs, std::size_t first_slot, const View& bt, const View& c) {
  const std::int64_t m = a.size(0), k = a.size(1), n = c.size(1), lane_k = k / kLanes;
  if (a.dtype() != BF16 || c.dtype() != FP32 || k % (2 * kLanes) != 0 || bt.size(0) != n || bt.size(1) != k || c.size(0) != m)
    throw ShapeError("matmul_lane_segments: a " + a.describe() + " (bf16 [M, K], K a multiple of 32), bt " + bt.describe() +
                     " (bf16 [N, K]) and c " + c.describe() + " (fp32 [M, N]) do not fit");
  // Per-thread scratch: A regrouped by lane, then the 16 lane sums of every C element.
  thread_local std::vector<std::uint16_t> regrouped;
  thread_local std::vector<float> lanes;
  regrouped.resize(static_cast<std::size_t>(m * k));
  lanes.resize(static_cast<std::size_t>(kLanes * m * n));
  for (std::int64_t i = 0; i < m; ++i) {
    const auto* row = reinterpret_cast<const std::uint16_t*>(a.bytes_data()) + i * a.row_stride();
    std::uint16_t* out = regrouped.data() + i * k;
    for (std::int64_t l = 0; l < kLanes; ++l)
      for (std::int64_t j = 0; j < lane_k / 2; ++j) {
        out[l * lane_k + 2 * j] = row[j * 2 * kLanes + 2 * l];
        out[l * lane_k + 2 * j + 1] = row[j * 2 * kLanes + 2 * l + 1];
      }
  }
  const Tensor a_lanes = Tensor::wrap("a_by_lane", BF16, {m, k}, regrouped.data());
  const Tensor sums = Tensor::wrap("lane_sums", FP32, {kLanes * m, n}, lanes.data());
  for (std::int64_t l = 0; l < kLanes; ++l)
    kernels::matmul(a_lanes.view().cols(l * lane_k, lane_k), packs.get(first_slot + static_cast<std::size_t>(l), bt),
                    sums.view().rows(l * m, m));
  // The tree of kernels/matmul.hpp: l + l^8, then +4, +2, +1.
  const float* s = lanes.data();
  const std::int64_t plane = m * n;
  for (std::int64_t i = 0; i < m; ++i) {
    float* out = c.data<float>() + i * c.row_stride();
    for (std::int64_t j = 0; j < n; ++j) {
      const std::int64_t e = i * n + j;
      float l8[8], l4[4];
      for (int l = 0; l < 8; ++l) l8[l] = s[l * plane + e] + s[(l + 8) * plane + e];
      for (int l = 0; l < 4; ++l) l4[l] = l8[l] + l8[l + 4];
      const float l2_0 = l4[0] + l4[2], l2_1 = l4[1] + l4[3];
      out[j] = l2_0 + l2_1;
    }
  }
}

}  // namespace tg::models
