#include "tools/calibrate_kernels.hpp"

#include <random>

#include "kernels/descriptors/descriptors.hpp"
#include "runtime/tensor.hpp"
#include "tasks/scope.hpp"

namespace tg::cli {
namespace {

namespace kd = kernels::descriptors;

constexpr std::int64_t kRows = 16;      // decode tokens padded to the cube's box
constexpr std::int64_t kHidden = 7168;  // V3.2 / V4 hidden size
constexpr std::int64_t kTile = 64;      // weight column tile

// Binds every input, weight and InOut of `graph` to a tensor of small values.
std::unique_ptr<Bindings> bind_all(const Graph& graph, std::uint64_t seed) {
  auto memory = std::make_unique<Bindings>(graph);
  std::mt19937 rng(static_cast<std::uint32_t>(seed));
  std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
  for (const auto& buffer : graph.buffers()) {
    if (buffer->role() == Role::Output || buffer->role() == Role::Staging) continue;
    Tensor t(buffer->name(), buffer->dtype(), buffer->shape());
    if (buffer->dtype() == FP32) {
      float* p = t.data_as<float>();
      for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = dist(rng);
    }
    memory->bind(buffer->name(), t);
  }
  return memory;
}

KernelGraph finish(std::string label, Scope& s, std::uint64_t seed) {
  auto graph = std::make_unique<Graph>(s.finalize());
  auto memory = bind_all(*graph, seed);
  return KernelGraph{std::move(label), std::move(graph), std::move(memory)};
}

// `copies` cube tasks [16 x k] @ [k x 64] bf16, one per weight column tile.
KernelGraph matmul_tiles(const char* scope, std::int64_t k, int copies, std::uint64_t seed) {
  Scope s{scope};
  auto a = s.input("a", {kRows, k}, BF16);
  auto w = s.weight("w", {k, kTile * copies}, BF16);
  auto c = s.output("c", {kRows, kTile * copies}, FP32);
  for (int i = 0; i < copies; ++i)
    s.cube("matmul", kd::matmul(), {.a = In(a), .b = In(w.cols(i * kTile, kTile)), .c = Out(c.cols(i * kTile, kTile))});
  const std::string ks = std::to_string(k);
  return finish(std::to_string(copies) + " matmul [16 x " + ks + "] @ [" + ks + " x 64] bf16", s, seed);
}

// `copies` vector tasks, each a softmax of 16 rows of `width` fp32.
KernelGraph softmax_rows(const char* scope, std::int64_t width, int copies, std::uint64_t seed) {
  Scope s{scope};
  auto x = s.input("x", {kRows * copies, width}, FP32);
  auto y = s.output("y", {kRows * copies, width}, FP32);
  for (int i = 0; i < copies; ++i)
    s.vector("softmax", kd::softmax(), {.x = In(x.rows(i * kRows, kRows)), .y = Out(y.rows(i * kRows, kRows))});
  return finish(std::to_string(copies) + " softmax [16 x " + std::to_string(width) + "] fp32", s, seed);
}

}  // namespace

std::vector<KernelGraph> calibration_kernel_graphs(int copies) {
  std::vector<KernelGraph> out;
  const std::string n = std::to_string(copies);
  out.push_back(matmul_tiles("calibrate_matmul", kHidden, copies, 1));
  out.push_back(matmul_tiles("calibrate_matmul_k1536", 1536, copies, 5));  // V3.2's q_head_proj: K = the q LoRA rank
  {
    Scope s{"calibrate_rmsnorm"};
    auto x = s.input("x", {kRows * copies, kHidden}, FP32);
    auto gamma = s.weight("gamma", {kHidden}, FP32);
    auto y = s.output("y", {kRows * copies, kHidden}, FP32);
    for (int i = 0; i < copies; ++i)
      s.vector("rmsnorm", kd::rmsnorm(), {.x = In(x.rows(i * kRows, kRows)), .gamma = In(gamma), .y = Out(y.rows(i * kRows, kRows))});
    out.push_back(finish(n + " rmsnorm [16 x 7168] fp32", s, 2));
  }
  {
    Scope s{"calibrate_rmsnorm_narrow"};  // a second size: the line through both gives the call's fixed cost
    auto x = s.input("x", {kRows * copies, 512}, FP32);
    auto y = s.output("y", {kRows * copies, 512}, FP32);
    for (int i = 0; i < copies; ++i)
      s.vector("rmsnorm", kd::rmsnorm(), {.x = In(x.rows(i * kRows, kRows)), .y = Out(y.rows(i * kRows, kRows))});
    out.push_back(finish(n + " rmsnorm [16 x 512] fp32", s, 6));
  }
  out.push_back(softmax_rows("calibrate_softmax_wide", 4096, copies, 7));
  out.push_back(softmax_rows("calibrate_softmax", 512, copies, 3));
  {
    Scope s{"calibrate_spmd_rmsnorm"};
    auto x = s.input("x", {kRows * copies, kHidden}, FP32);
    auto gamma = s.weight("gamma", {kHidden}, FP32);
    auto y = s.output("y", {kRows * copies, kHidden}, FP32);
    s.vector("rmsnorm", kd::rmsnorm(), {.x = In(x).tiled(tile::rows(kRows)), .gamma = In(gamma), .y = Out(y).tiled(tile::rows(kRows))})
        .blocks(copies);
    out.push_back(finish("SPMD rmsnorm of " + n + " blocks [16 x 7168]", s, 4));
  }
  return out;
}

}  // namespace tg::cli
