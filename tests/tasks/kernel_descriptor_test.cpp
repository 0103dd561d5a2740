// Kernel descriptors on the tasks side: named arguments (typed and by name) checked at
// submit, kernels reading their parameters by name, SPMD tiles, derived costs and the cube
// padding applied once by the machine binding.
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "runtime/machine.hpp"
#include "runtime/tensor.hpp"
#include "tasks/lint.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"
#include "tasks/task_cost.hpp"

namespace {

using namespace tg;

// A user kernel with a typed contract: y[r, c] = x[r, c] * 2 + bias[c] (bias optional).
template <template <Access> class F> struct AxpbParams {
  F<Access::In> x;
  F<Access::In> bias;
  F<Access::Out> y;
  auto fields() { return std::tie(x, bias, y); }
};

const TypedKernel<AxpbParams>& axpb() {
  static const TypedKernel<AxpbParams> k{
      "axpb", TaskKind::Vector, {{"x", {FP32}}, {"bias", {FP32}, true}, {"y", {FP32}}},
      [](const AxpbParams<BlockView>& v, const TaskContext&) {
        for (std::int64_t r = 0; r < v.y.size(0); ++r)
          for (std::int64_t c = 0; c < v.y.size(1); ++c)
            v.y.row<float>(r)[c] = v.x.row<float>(r)[c] * 2.0f + (v.bias.valid() ? v.bias.data<float>()[c] : 0.0f);
      },
      [](const AxpbParams<BlockView>& v) { return streaming_cost_of(v, 2.0 * static_cast<double>(v.y.numel())); }};
  return k;
}

// A matmul-shaped cube kernel whose cost is the logical 2 M N K of its block's views.
template <template <Access> class F> struct MmParams {
  F<Access::In> a;
  F<Access::In> b;
  F<Access::Out> c;
  auto fields() { return std::tie(a, b, c); }
};
const TypedKernel<MmParams>& mm() {
  static const TypedKernel<MmParams> k{"mm", TaskKind::Cube, {{"a"}, {"b"}, {"c"}}, nullptr, [](const MmParams<BlockView>& v) {
                                         const auto m = v.c.size(v.c.rank() - 2), n = v.c.size(v.c.rank() - 1);
                                         const auto k = v.a.size(v.a.rank() - 1);
                                         return CostHint{2.0 * static_cast<double>(m * n * k), 0, 0, false};
                                       }};
  return k;
}

struct Caught {
  ErrorContext ctx;
  std::string text;
  bool graph_error = false;
  const ErrorContext& context() const { return ctx; }
  const char* what() const { return text.c_str(); }
};

Caught submit_error(const std::function<void(Scope&, View, View, View)>& submit) {
  Scope s{"contracts"};
  auto x = s.input("x", {4, 8}, FP32);
  auto y = s.output("y", {4, 8}, FP32);
  auto h = s.input("h", {4, 8}, BF16);
  try {
    submit(s, x, y, h);
  } catch (const Error& e) {
    return Caught{e.context(), e.what(), dynamic_cast<const GraphError*>(&e) != nullptr};
  }
  ADD_FAILURE() << "submit did not throw";
  return {};
}

TEST(KernelDescriptor, EachContractErrorAtSubmitNamesTaskAndParameter) {
  const KernelRef k = axpb().ref();
  const Caught unknown =
      submit_error([&](Scope& s, View x, View y, View) { s.vector("t", k, {{"x", In(x)}, {"z", Out(y)}}); });
  EXPECT_TRUE(unknown.graph_error);
  EXPECT_EQ(unknown.context().task, "t#0");
  EXPECT_EQ(unknown.context().param, "z");
  EXPECT_EQ(unknown.context().arg, 1);
  EXPECT_NE(std::string(unknown.what()).find("has no parameter 'z'; its parameters are x, bias, y"), std::string::npos)
      << unknown.what();

  const Caught missing = submit_error([&](Scope& s, View x, View, View) { s.vector("t", k, {{"x", In(x)}}); });
  EXPECT_EQ(missing.context().task, "t#0");
  EXPECT_EQ(missing.context().param, "y");
  EXPECT_NE(std::string(missing.what()).find("parameter 'y' of kernel 'axpb' is not bound"), std::string::npos) << missing.what();

  const Caught access =
      submit_error([&](Scope& s, View x, View y, View) { s.vector("t", k, {{"x", Out(x)}, {"y", Out(y)}}); });
  EXPECT_TRUE(access.graph_error && missing.graph_error);
  EXPECT_EQ(access.context().task, "t#0");
  EXPECT_EQ(access.context().param, "x");
  EXPECT_EQ(access.context().arg, 0);
  EXPECT_EQ(access.context().buffer, "x");
  EXPECT_NE(std::string(access.what()).find("is In, but the argument (x[0:4, 0:8]) is passed as Out"), std::string::npos)
      << access.what();

  const Caught dtype =
      submit_error([&](Scope& s, View, View y, View h) { s.vector("t", k, {{"x", In(h)}, {"y", Out(y)}}); });
  EXPECT_EQ(dtype.context().param, "x");
  EXPECT_EQ(dtype.context().buffer, "h");
  EXPECT_NE(std::string(dtype.what()).find("takes fp32, but h[0:4, 0:8] is bf16"), std::string::npos) << dtype.what();

  const Caught twice = submit_error(
      [&](Scope& s, View x, View y, View) { s.vector("t", k, {{"x", In(x)}, {"x", In(x)}, {"y", Out(y)}}); });
  EXPECT_EQ(twice.context().param, "x");
  EXPECT_EQ(twice.context().arg, 1);

  // The typed path reports the same errors (names are checked by the compiler).
  const Caught typed_access =
      submit_error([&](Scope& s, View x, View y, View) { s.vector("t", axpb(), {.x = InOut(x), .bias = {}, .y = Out(y)}); });
  EXPECT_EQ(typed_access.context().param, "x");
  const Caught typed_dtype =
      submit_error([&](Scope& s, View, View y, View h) { s.vector("t", axpb(), {.x = h, .bias = {}, .y = y}); });
  EXPECT_EQ(typed_dtype.context().param, "x");
  EXPECT_EQ(typed_dtype.context().task, "t#0");
}

TEST(KernelDescriptor, ABadSliceBoundByNameNamesTheParameter) {
  const Caught e = submit_error([&](Scope& s, View x, View y, View) {
    s.vector("t", axpb().ref(), {{"x", In(x.rows(2, 4))}, {"y", Out(y)}});
  });
  EXPECT_EQ(e.context().param, "x");
  EXPECT_EQ(e.context().task, "t#0");
}

// Memory for TaskContext: element 0 of each buffer by id.
struct Memory {
  std::vector<Tensor> tensors;
  std::vector<std::byte*> pointers;
  explicit Memory(const Graph& g) {
    for (const auto& b : g.buffers()) {
      tensors.emplace_back(b->name(), b->dtype(), b->shape());
      pointers.push_back(tensors.back().data());
    }
  }
  void run(const Graph& g, TaskId id) {
    const Task& t = g.task(id);
    for (int b = 0; b < t.block_num; ++b) t.kernel(TaskContext(t, b, pointers.data()));
  }
};

TEST(KernelDescriptor, KernelReadsItsParametersByNameAndTheTaskCarriesTheContract) {
  Scope s{"named"};
  auto x = s.input("x", {4, 8}, FP32);
  auto bias = s.weight("bias", {8}, FP32);
  auto y = s.output("y", {4, 8}, FP32);
  auto z = s.output("z", {4, 8}, FP32);
  // Given out of parameter order: the arguments keep the order given, the parameters map to them.
  const TaskId typed = s.vector("typed", axpb(), {.x = In(x), .bias = In(bias), .y = Out(y)});
  const TaskId by_name = s.submit("by_name", axpb().ref(), {{"y", Out(z)}, {"x", In(x)}});
  Graph g = s.finalize();
  EXPECT_EQ(g.task(typed).kernel_name, "axpb");
  EXPECT_EQ(g.task(typed).params, (std::vector<std::string>{"x", "bias", "y"}));
  EXPECT_EQ(g.task(by_name).params, (std::vector<std::string>{"y", "x"}));
  EXPECT_EQ(g.task(by_name).param_args, (std::vector<int>{1, -1, 0}));
  EXPECT_EQ(g.task(by_name).kind, TaskKind::Vector) << "submit without a kind takes the descriptor's";

  Memory mem(g);
  for (int i = 0; i < 32; ++i) mem.tensors[0].data_as<float>()[i] = static_cast<float>(i);
  for (int i = 0; i < 8; ++i) mem.tensors[1].data_as<float>()[i] = 100.0f * static_cast<float>(i);
  mem.run(g, typed);
  mem.run(g, by_name);
  EXPECT_EQ(mem.tensors[2].data_as<float>()[9], 9 * 2.0f + 100.0f);  // row 1, col 1
  EXPECT_EQ(mem.tensors[3].data_as<float>()[9], 9 * 2.0f) << "bias left unbound: the kernel sees View{}";
}

TEST(KernelDescriptor, CostIsDerivedUnlessGivenByHand) {
  Scope s{"cost"};
  auto x = s.input("x", {4, 8}, FP32);
  auto y = s.output("y", {4, 8}, FP32);
  auto y2 = s.output("y2", {4, 8}, FP32);
  const TaskId derived = s.vector("derived", axpb(), {.x = In(x), .bias = {}, .y = Out(y)});
  const TaskId hand = s.vector("hand", axpb(), {.x = In(x), .bias = {}, .y = Out(y2)}).cost({7, 11, 13, false});
  Graph g = s.finalize();
  ASSERT_TRUE(g.task(derived).cost);
  EXPECT_EQ(g.task(derived).cost->flops, 2.0 * 32);
  EXPECT_EQ(g.task(derived).cost->bytes, 2.0 * 32 * 4);  // x read, y written
  EXPECT_EQ(g.task(derived).cost->working_set_bytes, 2u * 32 * 4);
  EXPECT_FALSE(g.task(derived).cost_given);
  EXPECT_EQ(g.task(hand).cost->flops, 7);
  EXPECT_TRUE(g.task(hand).cost_given);
}

TEST(KernelDescriptor, AWrappedLambdaWithAnExplicitContract) {
  const KernelRef add_one = make_kernel(KernelDescriptor{
      .name = "add_one",
      .kind = TaskKind::Host,
      .params = {{"v", Access::InOut, {INT32}, false}},
      .body = [](const TaskContext& ctx) { ctx.param("v").data<std::int32_t>()[0] += 1; },
      .cost = [](const ParamViews& v) { return CostHint{static_cast<double>(v[0].numel()), 0, 0, false}; }});
  Scope s{"lambda"};
  auto v = s.inout("v", {2}, INT32);
  const TaskId t = s.submit("bump", add_one, {{"v", InOut(v)}});
  EXPECT_THROW(s.submit("bump", add_one, {{"v", In(v)}}), GraphError);
  Graph g = s.finalize();
  EXPECT_EQ(g.task(t).kind, TaskKind::Host);
  EXPECT_EQ(g.task(t).cost->flops, 2.0);
  Memory mem(g);
  mem.run(g, t);
  EXPECT_EQ(mem.tensors[0].data_as<std::int32_t>()[0], 1);
  EXPECT_THROW(TaskContext(g.task(t), 0, mem.pointers.data()).param("w"), Error);
}

TEST(KernelDescriptor, ACostFunctionThatThrowsLeavesNoHalfTask) {
  const KernelRef bad = make_kernel(KernelDescriptor{.name = "bad_cost",
                                                     .kind = TaskKind::Vector,
                                                     .params = {{"x", Access::In, {}, false}},
                                                     .body = {},
                                                     .cost = [](const ParamViews& v) {
                                                       return CostHint{static_cast<double>(v[0].size(5)), 0, 0, false};
                                                     }});
  Scope s{"throwing"};
  auto x = s.input("x", {4}, FP32);
  try {
    s.vector("t", bad, {{"x", In(x)}});
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_EQ(e.context().task, "t#0");
    EXPECT_NE(std::string(e.what()).find("the cost function of kernel 'bad_cost' failed"), std::string::npos) << e.what();
  }
  EXPECT_EQ(s.num_tasks(), 0u);
}

TEST(BlockTiles, TilesSetTheGridAndEachBlockSeesItsOwnTile) {
  Scope s{"tiles"};
  auto x = s.input("x", {20, 8}, FP32);  // 20 rows in tiles of 8: the last tile has 4
  auto y = s.output("y", {20, 8}, FP32);
  const TaskId t = s.vector("rows", axpb(), {.x = In(x).tiled(tile::rows(8)), .bias = {}, .y = Out(y).tiled(tile::rows(8))});
  Graph g = s.finalize();
  EXPECT_EQ(g.task(t).block_num, 3);
  EXPECT_EQ(g.task(t).grid.extents, (std::vector<std::int64_t>{3}));
  Memory mem(g);
  for (int i = 0; i < 160; ++i) mem.tensors[0].data_as<float>()[i] = static_cast<float>(i);
  const TaskContext last(g.task(t), 2, mem.pointers.data());
  EXPECT_EQ(last.param("y").sizes(), (Shape{4, 8}));
  EXPECT_EQ(last.block_view(0).sizes(), (Shape{4, 8}));
  mem.run(g, t);
  for (int i = 0; i < 160; ++i) ASSERT_EQ(mem.tensors[1].data_as<float>()[i], 2.0f * static_cast<float>(i)) << i;
  // The derived cost is block 0's: 8 rows.
  EXPECT_EQ(g.task(t).cost->flops, 2.0 * 8 * 8);
}

TEST(BlockTiles, ATwoDimensionalGridMapsBlockIdxRowTileMajor) {
  Scope s{"grid"};
  auto a = s.input("a", {32, 16}, FP32);
  auto b = s.input("b", {16, 128}, FP32);
  auto c = s.output("c", {32, 128}, FP32);
  const TaskId t = s.cube("mm", mm(),
                          {.a = In(a).tiled(tile::rows(16)), .b = In(b).tiled(tile::cols(64, 1)), .c = Out(c).tiled(tile::grid(16, 64))});
  Graph g = s.finalize();
  EXPECT_EQ(g.task(t).block_num, 4);
  const TaskContext block3(g.task(t), 3);  // (row tile 1, column tile 1)
  EXPECT_EQ(block3.param("c").describe(), "c[16:32, 64:128]");
  EXPECT_EQ(block3.param("a").describe(), "a[16:32, 0:16]");
  EXPECT_EQ(block3.param("b").describe(), "b[0:16, 64:128]");
  EXPECT_EQ(g.edges().size(), 0u);
}

TEST(BlockTiles, DisagreeingTilesAndBlockCountsAreErrorsNamingTheArgument) {
  Scope s{"bad"};
  auto a = s.input("a", {32, 16}, FP32);
  auto b = s.input("b", {16, 128}, FP32);
  auto c = s.output("c", {32, 128}, FP32);
  try {
    s.cube("mm", mm(), {.a = In(a).tiled(tile::rows(8)), .b = In(b), .c = Out(c).tiled(tile::rows(16))});
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_EQ(e.context().param, "c");
    EXPECT_EQ(e.context().arg, 2);
    EXPECT_NE(std::string(e.what()).find("makes 2 blocks on grid axis 0, but arg 0 makes 4"), std::string::npos) << e.what();
  }
  try {
    s.cube("mm", mm(), {.a = In(a), .b = In(b), .c = Out(c).tiled(tile::cols(64, 1))});
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_NE(std::string(e.what()).find("no argument's tiles follow grid axis 0"), std::string::npos) << e.what();
  }
  auto ok = s.cube("mm", mm(), {.a = In(a), .b = In(b), .c = Out(c).tiled(tile::rows(16))});
  EXPECT_THROW(ok.blocks(3), GraphError);
  EXPECT_NO_THROW(ok.blocks(2));
  try {
    auto v = s.input("v", {64}, FP32);
    s.vector("rank1", {In(v).tiled(tile::rows(8))});
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_NE(std::string(e.what()).find("a rank-1 view is one row"), std::string::npos) << e.what();
  }
}

TEST(BlockTiles, TilesSurviveTheJsonRoundTripAndLintSeesThem) {
  Scope s{"json"};
  auto a = s.input("a", {32, 16}, FP32);
  auto b = s.input("b", {16, 128}, FP32);
  auto c = s.output("c", {32, 128}, FP32);
  s.cube("mm", mm(), {.a = In(a).tiled(tile::rows(16)), .b = In(b).tiled(tile::cols(64, 1)), .c = Out(c).tiled(tile::grid(16, 64))});
  const Graph g = s.finalize();
  const std::string text = to_scope_json(g);
  EXPECT_NE(text.find("\"tile\""), std::string::npos) << text;
  const Graph back = parse_scope_json(text, "tiles.json");
  EXPECT_EQ(back.task(0).tiles, g.task(0).tiles);
  EXPECT_EQ(back.task(0).grid.extents, g.task(0).grid.extents);
  EXPECT_EQ(back.task(0).block_num, 4);
  EXPECT_EQ(cube_rows_per_block(back.task(0)), 16);

  // c tiled by rows only on a 2 x 2 grid: the two column blocks of a row tile write the same rows.
  Scope r{"race"};
  auto a2 = r.input("a", {32, 16}, FP32);
  auto b2 = r.input("b", {16, 128}, FP32);
  auto c2 = r.output("c", {32, 128}, FP32);
  r.cube("mm", mm(), {.a = In(a2).tiled(tile::rows(16)), .b = In(b2).tiled(tile::cols(64, 1)), .c = Out(c2).tiled(tile::rows(16))});
  try {
    r.finalize();
    FAIL() << "finalize did not refuse the race";
  } catch (const LintError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].rule, "block-tile-race");
    EXPECT_EQ(e.diagnostics()[0].arg, 2);
    EXPECT_NE(e.diagnostics()[0].message.find("written by the 2 blocks along grid axis 1"), std::string::npos) << e.what();
  }
}

// 8 rows of cube work are charged as 16 (the a2a3 box), once: the hint holds the logical 8.
class CubePadding : public ::testing::Test {
 protected:
  Machine machine = load_machine("a2a3");
  double bw = 0;
  void SetUp() override { bw = machine.gm_bytes_per_s_per_core; }
  std::int64_t ns_for_rows(double rows, double n, double k) const {
    // At the cube's achieved rate (issue 17: peak x efficiency).
    return std::llround(2.0 * rows * n * k / (machine.cube_bf16_flops_per_s * machine.cube_efficiency) * 1e9) +
           machine.kernel_overhead_ns;
  }
  void expect_charged_16_rows(const Graph& g, TaskId t, double n, double k) const {
    ASSERT_EQ(machine.cube_m_box_rows, 16);
    EXPECT_EQ(g.task(t).cost->flops, 2.0 * 8 * n * k) << "the hint is logical: 8 rows";
    EXPECT_EQ(cube_rows_per_block(g.task(t)), 8);
    EXPECT_DOUBLE_EQ(cube_padding_factor(g.task(t), machine), 2.0);
    EXPECT_EQ(block_duration_ns(g.task(t), machine, bw), ns_for_rows(16, n, k));
    EXPECT_NE(block_duration_ns(g.task(t), machine, bw), ns_for_rows(32, n, k));
  }
};

TEST_F(CubePadding, EightRowsOnAOneDimensionalGrid) {
  Scope s{"pad1"};
  auto a = s.input("a", {8, 256}, BF16);
  auto b = s.weight("b", {256, 512}, BF16);
  auto c = s.output("c", {8, 512}, FP32);
  // 8 column blocks: the old guess (8 rows / 8 blocks = 1 row, padded to 16) charged 16x.
  const TaskId t = s.cube("mm", mm(), {.a = In(a), .b = In(b).tiled(tile::cols(64)), .c = Out(c).tiled(tile::cols(64))});
  Graph g = s.finalize();
  EXPECT_EQ(g.task(t).block_num, 8);
  expect_charged_16_rows(g, t, 64, 256);
}

TEST_F(CubePadding, EightRowsOnATwoDimensionalGrid) {
  Scope s{"pad2"};
  auto a = s.input("a", {16, 256}, BF16);
  auto b = s.weight("b", {256, 256}, BF16);
  auto c = s.output("c", {16, 256}, FP32);
  const TaskId t = s.cube("mm", mm(),
                          {.a = In(a).tiled(tile::rows(8)), .b = In(b).tiled(tile::cols(64, 1)), .c = Out(c).tiled(tile::grid(8, 64))});
  Graph g = s.finalize();
  EXPECT_EQ(g.task(t).block_num, 8);
  expect_charged_16_rows(g, t, 64, 256);
}

TEST_F(CubePadding, EightRowsOfAThreeDimensionalOutput) {
  Scope s{"pad3"};
  auto a = s.input("a", {4, 8, 128}, BF16);
  auto b = s.weight("b", {128, 64}, BF16);
  auto c = s.output("c", {4, 8, 64}, FP32);
  // One block per batch entry: each block's tile is [1, 8, 64], 8 rows.
  const TaskId t = s.cube("bmm", mm(),
                          {.a = In(a).tiled(tile::dims({{0, 1}, {}, {}})), .b = In(b), .c = Out(c).tiled(tile::dims({{0, 1}, {}, {}}))});
  Graph g = s.finalize();
  EXPECT_EQ(g.task(t).block_num, 4);
  expect_charged_16_rows(g, t, 64, 128);
}

TEST_F(CubePadding, ASingleBlockDescriptorTaskUsesItsWholeOutput) {
  Scope s{"pad0"};
  auto a = s.input("a", {8, 64}, BF16);
  auto b = s.weight("b", {64, 64}, BF16);
  auto c = s.output("c", {8, 64}, FP32);
  const TaskId t = s.cube("mm", mm(), {.a = In(a), .b = In(b), .c = Out(c)});
  Graph g = s.finalize();
  expect_charged_16_rows(g, t, 64, 64);
}

}  // namespace
