#pragma once
// The graph source of the multi-chip benchmark: one graph per rank of a tensor-parallel
// MLP (hidden 7168, intermediate 18432 split over the ranks, bf16 weights streamed from
// HBM; `tokens` rows: 16 for decode, thousands for prefill), `layers` layers. Per layer and
// rank: the column-parallel up projection (16 cube tasks, a column tile each), the
// row-parallel down projection in two halves of the output columns (16 tasks each), each half's partial sum all-reduced as
// soon as it is done (so the first half's all_reduce can overlap the second half's matmul),
// then an rmsnorm that needs both. One rank: no all_reduce. The tensor-parallel model
// scopes (issue 21, part 2) replace this function.
#include <string>
#include <vector>

#include "scheduler/modelled_collectives.hpp"
#include "tasks/graph.hpp"
#include "tasks/scope.hpp"

namespace tg::bench {

inline Graph tp_like_rank_graph(int rank, int ranks, std::int64_t tokens = 16, int layers = 4) {
  constexpr std::int64_t kHidden = 7168, kIntermediate = 18432, kHalf = kHidden / 2;
  constexpr std::int64_t kTiles = 16;  // cube tasks per projection, one column tile each
  const std::int64_t shard = kIntermediate / ranks;
  Scope s{"tp_mlp_rank" + std::to_string(rank)};
  auto x = s.input("x", {tokens, kHidden}, DType::BF16);
  auto up = s.weight("w_up", {kHidden, shard}, DType::BF16);
  auto down = s.weight("w_down", {shard, kHidden}, DType::BF16);
  auto h = s.staging("h", {tokens, shard}, DType::BF16);
  // Output columns [c * kHalf, (c + 1) * kHalf) as rows [c * tokens, (c + 1) * tokens): each
  // half is contiguous, as a collective's view must be.
  auto partial = s.staging("partial", {2 * tokens, kHalf}, DType::BF16);
  auto y = s.output("y", {tokens, kHidden}, DType::BF16);
  const double t = static_cast<double>(tokens);
  // A matmul tile of t x k by k x n, bf16: its flops and its GM bytes (weights, input, output).
  auto matmul = [t](std::int64_t k, std::int64_t n) {
    const double kd = static_cast<double>(k), nd = static_cast<double>(n);
    return CostHint{2 * t * kd * nd, 2 * (kd * nd + t * kd + t * nd), 0, false};
  };
  const std::int64_t up_tile = shard / kTiles, down_tile = kHalf / kTiles;
  View in = x;
  for (int layer = 0; layer < layers; ++layer) {
    for (std::int64_t j = 0; j < kTiles; ++j)
      s.cube("up_proj", {In(in), In(up.cols(j * up_tile, up_tile)), Out(h.cols(j * up_tile, up_tile))})
          .cost(matmul(kHidden, up_tile));
    for (std::int64_t c = 0; c < 2; ++c) {
      const View half = partial.rows(c * tokens, tokens);
      for (std::int64_t j = 0; j < kTiles; ++j)
        s.cube("down_proj", {In(h), In(down.cols(c * kHalf + j * down_tile, down_tile)), Out(half.cols(j * down_tile, down_tile))})
            .cost(matmul(shard, down_tile));
      if (ranks > 1) modelled_all_reduce(s, ranks, half);
    }
    s.vector("rmsnorm", {In(partial), Out(y)}).blocks(static_cast<int>(kTiles))
        .cost(CostHint{5.0 * t * kHidden / kTiles, 4.0 * t * kHidden / kTiles, 0, false});
    in = y;
  }
  return s.finalize();
}

inline std::vector<Graph> tp_like_graphs(int ranks, std::int64_t tokens = 16, int layers = 4) {
  std::vector<Graph> graphs;
  for (int r = 0; r < ranks; ++r) graphs.push_back(tp_like_rank_graph(r, ranks, tokens, layers));
  return graphs;
}

}  // namespace tg::bench
