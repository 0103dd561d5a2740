#pragma once
// Weights packed once for matmul, as inference engines pack them when they are bound: B [K, N]
// (row-major bf16 or int8) re-laid as column tiles (24 columns for bf16, 16 for int8: the
// AVX2 register tiles), each tile's K rows contiguous, zero past N; bf16 rows interleaved in
// k-pairs so the AVX2 kernel widens them in registers (layout: detail/matmul_paths.hpp). A call then streams B in
// long sequential runs instead of reading a tile's 48-byte pieces of K rows at the row stride
// (on the Zen 3 host that pattern read B at 5-10 GB/s against 14-17 GB/s sequential).
// matmul on a PackedWeights gives the same bits as matmul on the view, on every path (the
// AVX2 path reads the tiles in place; the others get one tile at a time as a [K, 24] matrix).
// Cost: packing O(K*N) once (keep it out of per-run figures); memory K * N rounded up to tiles.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/matmul.hpp"
#include "runtime/dtype.hpp"
#include "runtime/view.hpp"

namespace tg::kernels {

class PackedWeights {
 public:
  // b: [K, N] bf16 or int8, last dim contiguous (any sub-view). Throws ShapeError otherwise.
  explicit PackedWeights(const View& b);

  DType dtype() const { return dtype_; }
  std::int64_t k() const { return k_; }
  std::int64_t n() const { return n_; }
  std::int64_t tile_cols() const { return tile_cols_; }
  std::int64_t tile_stride() const { return tile_stride_; }  // elements between tiles
  const void* data() const { return data_.get(); }
  std::size_t bytes() const { return bytes_; }
  // Tile t as a plain row-major [K, tile_cols] matrix into out (K * tile_cols elements).
  void unpack_tile(std::int64_t t, void* out) const;

 private:
  struct Free {
    void operator()(std::byte* p) const;
  };
  DType dtype_;
  std::int64_t k_ = 0, n_ = 0, tile_cols_ = 0, tile_stride_ = 0;
  std::size_t bytes_ = 0;
  std::unique_ptr<std::byte[], Free> data_;
};

// C = A @ B or C += A @ B with B packed: a [M, K] of B's dtype, c [M, N] fp32 (bf16) or int32
// (int8). Same summation order and bits as matmul(a, b_view, c) (matmul.hpp).
void matmul(const View& a, const PackedWeights& b, const View& c, bool accumulate = false);

}  // namespace tg::kernels
