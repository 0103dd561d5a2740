#include "kernels/packed_weights.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/cpu_path.hpp"
#include "kernels/detail/args.hpp"
#include "kernels/detail/matmul_paths.hpp"

namespace tg::kernels {

void PackedWeights::Free::operator()(std::byte* p) const { std::free(p); }

PackedWeights::PackedWeights(const View& b) {
  const auto mb = detail::matrix_arg("PackedWeights", "b", b, {DType::BF16, DType::INT8});
  dtype_ = mb.dtype;
  k_ = mb.rows;
  n_ = mb.cols;
  tile_cols_ = dtype_ == DType::BF16 ? detail::kPackedColsBf16 : detail::kPackedColsInt8;
  const std::int64_t tiles = (n_ + tile_cols_ - 1) / tile_cols_;
  const std::size_t element = size_of(dtype_);
  tile_stride_ = (k_ + 1) / 2 * 2 * tile_cols_;  // k-pairs, an odd K's last one padded
  bytes_ = static_cast<std::size_t>(tiles * tile_stride()) * element;
  const std::size_t alloc = (bytes_ + 63) / 64 * 64;
  data_.reset(static_cast<std::byte*>(std::aligned_alloc(64, alloc == 0 ? 64 : alloc)));
  std::memset(data_.get(), 0, alloc == 0 ? 64 : alloc);
  for (std::int64_t t = 0; t < tiles; ++t) {
    const std::int64_t c0 = t * tile_cols_, cols = std::min(tile_cols_, n_ - c0);
    std::byte* tile = data_.get() + static_cast<std::size_t>(t * tile_stride()) * element;
    if (dtype_ == DType::INT8) {  // (B[2p, n], B[2p+1, n]) per column
      auto* bytes = reinterpret_cast<std::int8_t*>(tile);
      for (std::int64_t p = 0; p < (k_ + 1) / 2; ++p) {
        const auto* even = reinterpret_cast<const std::int8_t*>(mb.row_bytes(2 * p)) + c0;
        const auto* odd = 2 * p + 1 < k_ ? reinterpret_cast<const std::int8_t*>(mb.row_bytes(2 * p + 1)) + c0 : nullptr;
        for (std::int64_t j = 0; j < cols; ++j) {
          bytes[(p * tile_cols_ + j) * 2] = even[j];
          bytes[(p * tile_cols_ + j) * 2 + 1] = odd ? odd[j] : 0;
        }
      }
      continue;
    }
    auto* pairs = reinterpret_cast<std::uint16_t*>(tile);  // (added first, added second) per column
    for (std::int64_t p = 0; p < (k_ + 1) / 2; ++p) {
      const auto* even = reinterpret_cast<const std::uint16_t*>(mb.row_bytes(2 * p)) + c0;
      const auto* odd = 2 * p + 1 < k_ ? reinterpret_cast<const std::uint16_t*>(mb.row_bytes(2 * p + 1)) + c0 : nullptr;
      for (std::int64_t j = 0; j < cols; ++j) {
        pairs[(p * tile_cols_ + j) * 2] = odd ? odd[j] : 0;
        pairs[(p * tile_cols_ + j) * 2 + 1] = even[j];
      }
    }
  }
}

// Tile t as a plain row-major [K, tile_cols] matrix (the layout the non-AVX2 paths read).
void PackedWeights::unpack_tile(std::int64_t t, void* out) const {
  const std::byte* tile = data_.get() + static_cast<std::size_t>(t * tile_stride()) * size_of(dtype_);
  if (dtype_ == DType::INT8) {
    const auto* bytes = reinterpret_cast<const std::int8_t*>(tile);
    auto* rows = static_cast<std::int8_t*>(out);
    for (std::int64_t p = 0; p < (k_ + 1) / 2; ++p)
      for (std::int64_t j = 0; j < tile_cols_; ++j) {
        rows[2 * p * tile_cols_ + j] = bytes[(p * tile_cols_ + j) * 2];
        if (2 * p + 1 < k_) rows[(2 * p + 1) * tile_cols_ + j] = bytes[(p * tile_cols_ + j) * 2 + 1];
      }
    return;
  }
  const auto* pairs = reinterpret_cast<const std::uint16_t*>(tile);
  auto* rows = static_cast<std::uint16_t*>(out);
  for (std::int64_t p = 0; p < (k_ + 1) / 2; ++p)
    for (std::int64_t j = 0; j < tile_cols_; ++j) {
      if (2 * p + 1 < k_) rows[(2 * p + 1) * tile_cols_ + j] = pairs[(p * tile_cols_ + j) * 2];
      rows[2 * p * tile_cols_ + j] = pairs[(p * tile_cols_ + j) * 2 + 1];
    }
}

void matmul(const View& a, const PackedWeights& b, const View& c, bool accumulate) {
  constexpr const char* kernel = "matmul (packed weights)";
  const auto ma = detail::matrix_arg(kernel, "a", a, {b.dtype()});
  const DType want_c = b.dtype() == DType::BF16 ? DType::FP32 : DType::INT32;
  const auto mc = detail::matrix_arg(kernel, "c", c, {want_c});
  if (ma.cols != b.k())
    detail::fail(kernel, "a (" + a.describe() + ") has K = " + std::to_string(ma.cols) + " but the packed weights have K = " +
                             std::to_string(b.k()) + "; pack the same K range of the weights");
  if (mc.rows != ma.rows || mc.cols != b.n())
    detail::fail(kernel, "c (" + c.describe() + ") is [" + std::to_string(mc.rows) + ", " + std::to_string(mc.cols) +
                             "] but a @ b is [" + std::to_string(ma.rows) + ", " + std::to_string(b.n()) + "]");
  if (overlaps(c, a)) detail::fail(kernel, "c (" + c.describe() + ") overlaps a; write the product to its own buffer");
  if (ma.rows == 0 || b.n() == 0) return;

  detail::MatmulArgs args;
  args.a = ma.data;
  args.lda = ma.row_stride;
  args.b = b.data();
  args.ldb = b.tile_cols();
  args.c = mc.data;
  args.ldc = mc.row_stride;
  args.m = ma.rows;
  args.n = b.n();
  args.k = b.k();
  args.accumulate = accumulate;
  const bool bf16 = b.dtype() == DType::BF16;
  const CpuPath path = active_cpu_path();
  if (path == CpuPath::avx2) {
    args.b_tile_stride = b.tile_stride();
    bf16 ? detail::matmul_bf16_avx2(args) : detail::matmul_int8_avx2(args);
    return;
  }
  // Other paths: one [K, tile] matrix per tile (each C element's sum is independent of N tiling).
  const std::size_t element = size_of(b.dtype()), c_element = 4;
  std::vector<std::byte> rows(static_cast<std::size_t>(b.k() * b.tile_cols()) * element);
  for (std::int64_t c0 = 0; c0 < b.n(); c0 += b.tile_cols()) {
    detail::MatmulArgs tile = args;
    b.unpack_tile(c0 / b.tile_cols(), rows.data());
    tile.b = rows.data();
    tile.n = std::min(b.tile_cols(), b.n() - c0);
    tile.c = static_cast<std::byte*>(args.c) + static_cast<std::size_t>(c0) * c_element;
    if (path == CpuPath::avx512) bf16 ? detail::matmul_bf16_avx512(tile) : detail::matmul_int8_avx512(tile);
    else bf16 ? detail::matmul_bf16_scalar(tile) : detail::matmul_int8_scalar(tile);
  }
}

}  // namespace tg::kernels
