// The library kernels' descriptors: derived costs equal the hand-computed ones, the kernels
// run through them give the bits of a direct call, and the registry lets JSON scopes name them.
#include <gtest/gtest.h>

#include <cstring>

#include "kernels/descriptors/descriptors.hpp"
#include "kernels/kernels.hpp"
#include "runtime/bf16.hpp"
#include "runtime/tensor.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

namespace {

using namespace tg;
namespace kd = tg::kernels::descriptors;

const CostHint& cost_of(const Graph& g, TaskId t) {
  EXPECT_TRUE(g.task(t).cost.has_value()) << g.task(t).label();
  return *g.task(t).cost;
}

TEST(DescriptorCost, MatmulBf16AndInt8) {
  Scope s{"mm"};
  auto a = s.input("a", {8, 512}, BF16);
  auto w = s.weight("w", {512, 256}, BF16);
  auto c = s.staging("c", {8, 256}, FP32);
  auto a8 = s.input("a8", {8, 512}, INT8);
  auto w8 = s.weight("w8", {512, 256}, INT8);
  auto c8 = s.output("c8", {8, 256}, INT32);
  auto acc = s.inout("acc", {8, 256}, FP32);
  const TaskId bf16 = s.cube("bf16", kd::matmul(), {.a = In(a), .b = In(w.cols(0, 64)), .c = Out(c.cols(0, 64))});
  const TaskId int8 = s.cube("int8", kd::matmul(), {.a = In(a8), .b = In(w8), .c = Out(c8)});
  const TaskId accumulate = s.cube("acc", kd::matmul_acc(), {.a = In(a), .b = In(w), .c = InOut(acc)});
  Graph g = s.finalize({.lint = Lint::Off});  // c is a staging tile nobody reads: costs only

  // bf16: M 8, K 512, N 64. Logical rows: 8, not the 16 the cube pads to.
  const CostHint& h = cost_of(g, bf16);
  EXPECT_EQ(h.flops, 2.0 * 8 * 64 * 512);
  EXPECT_EQ(h.bytes, 8.0 * 512 * 2 + 512.0 * 64 * 2 + 8.0 * 64 * 4);
  EXPECT_EQ(h.working_set_bytes, 2u * (8 + 64) * 128 * 2 + 8u * 64 * 4);  // K streamed in 128s, double-buffered
  EXPECT_FALSE(h.int8);
  EXPECT_EQ(g.task(bf16).kind, TaskKind::Cube);

  const CostHint& i = cost_of(g, int8);
  EXPECT_EQ(i.flops, 2.0 * 8 * 256 * 512);
  EXPECT_EQ(i.bytes, 8.0 * 512 + 512.0 * 256 + 8.0 * 256 * 4);
  EXPECT_EQ(i.working_set_bytes, 2u * (8 + 256) * 128 * 1 + 8u * 256 * 4);
  EXPECT_TRUE(i.int8);

  EXPECT_EQ(cost_of(g, accumulate).bytes, 8.0 * 512 * 2 + 512.0 * 256 * 2 + 2 * 8.0 * 256 * 4) << "c read and written";
}

TEST(DescriptorCost, RmsNormRopeQuantSoftmaxTiles) {
  Scope s{"rows"};
  auto x = s.input("x", {16, 1024}, BF16);
  auto gamma = s.weight("gamma", {1024}, FP32);
  auto y = s.output("y", {16, 1024}, BF16);
  auto inv = s.output("inv", {16}, FP32);
  auto q = s.input("q", {16, 64}, FP32);
  auto cos = s.weight("cos", {16, 64}, FP32);
  auto sin = s.weight("sin", {16, 64}, FP32);
  auto q_out = s.output("q_out", {16, 64}, BF16);
  auto xq = s.input("xq", {16, 1024}, FP32);
  auto q8 = s.output("q8", {16, 1024}, INT8);
  auto scale = s.output("scale", {16}, FP32);
  auto scores = s.input("scores", {16, 128}, FP32);
  auto probs = s.output("probs", {16, 128}, BF16);
  auto m = s.inout("m", {16}, FP32);
  auto l = s.inout("l", {16}, FP32);
  auto o = s.inout("o", {16, 64}, FP32);
  auto mb = s.input("mb", {16}, FP32);
  auto lb = s.input("lb", {16}, FP32);
  auto ob = s.input("ob", {16, 64}, FP32);

  // rmsnorm in 4-row tiles: each block's cost is its tile's.
  const TaskId norm = s.vector("norm", kd::rmsnorm(),
                               {.x = In(x).tiled(tile::rows(4)), .gamma = In(gamma), .y = Out(y).tiled(tile::rows(4)),
                                .inv_rms = Out(inv).tiled(tile::cols(4))});
  const TaskId rope = s.vector("rope", kd::rope(), {.x = In(q), .cos = In(cos), .sin = In(sin), .y = Out(q_out)});
  const TaskId quant = s.vector("quant", kd::quantize_int8_rows(), {.x = In(xq), .q = Out(q8), .scale = Out(scale)});
  const TaskId softmax = s.vector("softmax", kd::softmax(), {.x = In(scores), .y = Out(probs)});
  const TaskId merge = s.vector("merge", kd::online_softmax_merge(),
                                {.m = InOut(m), .l = InOut(l), .o = InOut(o), .m_block = In(mb), .l_block = In(lb), .o_block = In(ob)});
  Graph g = s.finalize();

  EXPECT_EQ(g.task(norm).block_num, 4);
  const double tile = 4.0 * 1024;
  EXPECT_EQ(cost_of(g, norm).flops, 4.0 * tile);
  EXPECT_EQ(cost_of(g, norm).bytes, tile * 2 + 1024.0 * 4 + tile * 2 + 4.0 * 4);  // x, gamma, y, inv_rms
  EXPECT_EQ(cost_of(g, norm).working_set_bytes, static_cast<std::uint64_t>(tile * 2 + 1024 * 4 + tile * 2 + 4 * 4));

  EXPECT_EQ(cost_of(g, rope).flops, 3.0 * 16 * 64);
  EXPECT_EQ(cost_of(g, rope).bytes, 3 * 16.0 * 64 * 4 + 16.0 * 64 * 2);

  EXPECT_EQ(cost_of(g, quant).flops, 3.0 * 16 * 1024);
  EXPECT_EQ(cost_of(g, quant).bytes, 16.0 * 1024 * 4 + 16.0 * 1024 + 16.0 * 4);

  EXPECT_EQ(cost_of(g, softmax).flops, 5.0 * 16 * 128);
  EXPECT_EQ(cost_of(g, softmax).bytes, 16.0 * 128 * 4 + 16.0 * 128 * 2);

  EXPECT_EQ(cost_of(g, merge).flops, 3.0 * 16 * 64 + 8.0 * 16);
  EXPECT_EQ(cost_of(g, merge).bytes, 2 * (16.0 * 4 * 2 + 16.0 * 64 * 4) + (16.0 * 4 * 2 + 16.0 * 64 * 4));
}

// Memory for a graph's buffers, element 0 by buffer id, as an executor gives TaskContext.
struct Memory {
  std::vector<Tensor> tensors;
  std::vector<std::byte*> pointers;
  explicit Memory(const Graph& g) {
    for (const auto& b : g.buffers()) {
      tensors.emplace_back(b->name(), b->dtype(), b->shape());
      pointers.push_back(tensors.back().data());
    }
  }
  void run(const Graph& g) {
    for (const Task& t : g.tasks())
      for (int b = 0; b < t.block_num; ++b) t.kernel(TaskContext(t, b, pointers.data()));
  }
};

TEST(DescriptorRun, TiledMatmulAndRmsNormGiveTheBitsOfDirectCalls) {
  Scope s{"run"};
  auto x = s.input("x", {32, 96}, BF16);
  auto gamma = s.weight("gamma", {96}, FP32);
  auto normed = s.staging("normed", {32, 96}, BF16);
  auto w = s.weight("w", {96, 128}, BF16);
  auto y = s.output("y", {32, 128}, FP32);
  s.vector("norm", kd::rmsnorm(), {.x = In(x).tiled(tile::rows(8)), .gamma = In(gamma), .y = Out(normed).tiled(tile::rows(8))});
  s.cube("proj", kd::matmul(),
         {.a = In(normed).tiled(tile::rows(16)), .b = In(w).tiled(tile::cols(32, 1)), .c = Out(y).tiled(tile::grid(16, 32))});
  Graph g = s.finalize();
  EXPECT_EQ(g.task(1).block_num, 8);
  Memory mem(g);
  for (std::int64_t i = 0; i < 32 * 96; ++i) mem.tensors[0].data_as<bf16>()[i] = bf16(static_cast<float>((i * 37) % 101) / 50.0f - 1.0f);
  for (std::int64_t i = 0; i < 96; ++i) mem.tensors[1].data_as<float>()[i] = 0.5f + static_cast<float>(i) / 96.0f;
  for (std::int64_t i = 0; i < 96 * 128; ++i) mem.tensors[3].data_as<bf16>()[i] = bf16(static_cast<float>((i * 13) % 29) / 14.0f - 1.0f);
  mem.run(g);

  Tensor n2("n2", BF16, {32, 96}), y2("y2", FP32, {32, 128});
  kernels::rmsnorm(mem.tensors[0].view(), mem.tensors[1].view(), n2.view());
  kernels::matmul(n2.view(), mem.tensors[3].view(), y2.view());
  EXPECT_EQ(std::memcmp(n2.data(), mem.tensors[2].data(), 32 * 96 * 2), 0);
  EXPECT_EQ(std::memcmp(y2.data(), mem.tensors[4].data(), 32 * 128 * 4), 0);
}

TEST(DescriptorRegistry, EveryLibraryDescriptorIsRegisteredByName) {
  KernelRegistry registry;
  kd::register_library(registry);
  for (const char* name : {"matmul", "matmul_acc", "matmul_bt", "rmsnorm", "rms_inv", "rope", "rope_inplace", "quantize_int8_rows",
                           "quantize_int8_columns", "dequantize_int32", "scale", "scale_acc", "cast", "softmax", "row_max", "row_sum", "row_sum_acc",
                           "exp_rows", "online_softmax_merge", "divide_rows"}) {
    const KernelRef k = registry.find(name);
    ASSERT_TRUE(k) << name;
    EXPECT_EQ(k->name, name);
    EXPECT_TRUE(k->body) << name;
    EXPECT_TRUE(k->cost) << name;
  }
  EXPECT_EQ(registry.find("matmul")->signature(), "matmul(In a: bf16|int8, In b: bf16|int8, Out c: fp32|int32)");
}

constexpr const char* kProjJson = R"({"format": "tilegraph.scope", "version": 2, "name": "proj",
  "buffers": [{"name": "x", "dtype": "bf16", "shape": [8, 64], "role": "input"},
              {"name": "w", "dtype": "bf16", "shape": [64, 32], "role": "weight"},
              {"name": "y", "dtype": "fp32", "shape": [8, 32], "role": "output"}],
  "tasks": [{"name": "proj", "kind": "cube", "kernel": "matmul", "args": [
    {"param": "a", "buffer": "x", "access": "in"},
    {"param": "b", "buffer": "w", "access": "in"},
    {"param": "c", "buffer": "y", "access": "out"}]}]})";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

TEST(DescriptorRegistry, AJsonTaskNamingADescriptorGetsItsCostAndItsArgumentsChecked) {
  kd::register_library();
  const Graph g = parse_scope_json(kProjJson, "proj.json");
  ASSERT_TRUE(g.task(0).cost);
  EXPECT_EQ(g.task(0).cost->flops, 2.0 * 8 * 32 * 64);
  EXPECT_TRUE(g.task(0).descriptor);
  EXPECT_TRUE(g.task(0).kernel) << "the descriptor's callable: the imported graph can run";

  try {
    parse_scope_json(replaced(kProjJson, R"("param": "c", "buffer": "y", "access": "out")", R"("param": "c", "buffer": "y", "access": "inout")"),
                     "proj.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.context().file, "proj.json");
    EXPECT_EQ(e.context().json_path, "tasks[0].args[2]");
    EXPECT_EQ(e.context().param, "c");
    EXPECT_EQ(e.context().task, "proj#0");
    EXPECT_NE(std::string(e.what()).find("is Out, but the argument (y[0:8, 0:32]) is passed as InOut"), std::string::npos) << e.what();
  }
  try {
    parse_scope_json(replaced(kProjJson, R"("param": "b")", R"("param": "w")"), "proj.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.context().param, "w");
    EXPECT_NE(std::string(e.what()).find("has no parameter 'w'"), std::string::npos) << e.what();
  }
  // A hand-given cost in the file overrides the derived one.
  const Graph hand = parse_scope_json(replaced(kProjJson, R"("kernel": "matmul",)", R"("kernel": "matmul", "cost": {"flops": 5},)"),
                                      "proj.json");
  EXPECT_EQ(hand.task(0).cost->flops, 5);
}

}  // namespace
