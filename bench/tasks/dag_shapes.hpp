#pragma once
// Edge lists of the micro-graph shapes the dispatch benchmarks run: each task's
// predecessors, tasks numbered in a topological order.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tg::bench {

enum class DagShape { Chain, FanOutFanIn, BinaryTree, Wavefront, Random };

inline const char* shape_name(DagShape s) {
  switch (s) {
    case DagShape::Chain: return "chain";
    case DagShape::FanOutFanIn: return "fan_out_fan_in";
    case DagShape::BinaryTree: return "binary_tree";
    case DagShape::Wavefront: return "wavefront_2d";
    case DagShape::Random: return "random";
  }
  return "?";
}

// preds[i] = the predecessors of task i (all < i).
inline std::vector<std::vector<std::uint32_t>> make_dag(DagShape shape, std::uint32_t n) {
  std::vector<std::vector<std::uint32_t>> preds(n);
  switch (shape) {
    case DagShape::Chain:
      for (std::uint32_t i = 1; i < n; ++i) preds[i] = {i - 1};
      break;
    case DagShape::FanOutFanIn:
      for (std::uint32_t i = 1; i + 1 < n; ++i) preds[i] = {0};
      for (std::uint32_t i = 1; i + 1 < n; ++i) preds[n - 1].push_back(i);
      break;
    case DagShape::BinaryTree:  // out-tree: node i feeds 2i+1 and 2i+2
      for (std::uint32_t i = 1; i < n; ++i) preds[i] = {(i - 1) / 2};
      break;
    case DagShape::Wavefront: {
      std::uint32_t w = 1;
      while ((w + 1) * (w + 1) <= n) ++w;
      for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t r = i / w, c = i % w;
        if (r > 0) preds[i].push_back(i - w);
        if (c > 0) preds[i].push_back(i - 1);
      }
      break;
    }
    case DagShape::Random: {
      std::mt19937 rng(42);
      for (std::uint32_t i = 1; i < n; ++i) {
        const std::uint32_t k = 1 + rng() % 3;
        for (std::uint32_t j = 0; j < k; ++j) {
          const std::uint32_t window = std::min<std::uint32_t>(i, 64);
          const std::uint32_t p = i - 1 - rng() % window;
          bool dup = false;
          for (auto q : preds[i]) dup |= q == p;
          if (!dup) preds[i].push_back(p);
        }
      }
      break;
    }
  }
  return preds;
}

}  // namespace tg::bench
