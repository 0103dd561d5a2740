// A kernel's efficiency as a small table over tile shape (Machine::KernelEfficiency::by_tile):
// how the machine file gives it, how it is checked, which entry a tile takes, and that the
// simulator times each block by its own tile. The a2a3 preset names no table: no public
// per-kernel times come with their tile shapes (docs/machines.md).
#include <gtest/gtest.h>

#include <string>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "runtime/text_file.hpp"
#include "scheduler/sim_executor.hpp"
#include "machine_json_error.hpp"
#include "sim_test_machine.hpp"
#include "tasks/scope.hpp"
#include "tasks/task_cost.hpp"

namespace {

using namespace tg;

std::string a2a3_with_efficiency(const std::string& efficiency) {
  std::string text = read_text_file(std::string(TG_SOURCE_DIR) + "/machines/a2a3.json", "machine file");
  const auto from = text.find("\"efficiency\"");
  const auto to = text.find('}', from);
  return text.replace(from, to + 1 - from, "\"efficiency\": " + efficiency);
}


constexpr const char* kTable = R"({"cube": 0.6, "vector": 0.5, "kernels": {"matmul": {"efficiency": 0.3, "by_tile": [
    {"rows": 64, "cols": 128, "efficiency": 0.8}, {"rows": 16, "cols": 64, "efficiency": 0.5},
    {"rows": 16, "cols": 256, "efficiency": 0.6}]}, "rmsnorm": 0.4}})";

TEST(SimTileEfficiency, TheTableIsReadAndTheLargestFittingShapeWins) {
  const Machine m = parse_machine_json(a2a3_with_efficiency(kTable), "m.json");
  ASSERT_EQ(m.kernel_efficiency.size(), 2u);
  EXPECT_DOUBLE_EQ(m.efficiency("rmsnorm", CoreType::Aiv, 16, 64), 0.4);  // a plain number: every tile
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic, 8, 64), 0.3);    // below every entry
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic, 16, 32), 0.3);
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic, 16, 64), 0.5);
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic, 32, 128), 0.5);
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic, 32, 512), 0.6);
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic, 64, 64), 0.5);  // 64 rows, but cols below 128 and 256
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic, 128, 128), 0.8);
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic), 0.3);           // no shape: the flat figure
  EXPECT_DOUBLE_EQ(m.efficiency("other", CoreType::Aic, 64, 128), 0.6);
}

TEST(SimTileEfficiency, BadTablesNameTheField) {
  auto with = [](const std::string& matmul) {
    return tg::testing::machine_json_error(a2a3_with_efficiency(R"({"kernels": {"matmul": )" + matmul + "}}"));
  };
  EXPECT_NE(with(R"({"by_tile": []})").find("m.json: /efficiency/kernels/matmul/efficiency: missing"), std::string::npos);
  EXPECT_NE(with(R"({"efficiency": 0.5, "by_tile": {}})").find("/efficiency/kernels/matmul/by_tile: must be an array"),
            std::string::npos);
  EXPECT_NE(with(R"({"efficiency": 0.5, "by_tile": [{"rows": 0, "cols": 64, "efficiency": 0.5}]})")
                .find("/efficiency/kernels/matmul/by_tile/0/rows"),
            std::string::npos);
  EXPECT_NE(with(R"({"efficiency": 0.5, "by_tile": [{"rows": 16, "cols": 64, "efficiency": 1.5}]})")
                .find("/efficiency/kernels/matmul/by_tile/0/efficiency"),
            std::string::npos);
  EXPECT_NE(with(R"({"efficiency": 0.5, "by_tile": [{"rows": 16, "cols": 64}]})").find("/by_tile/0/efficiency: missing"),
            std::string::npos);
  EXPECT_NE(with(R"({"efficiency": 0.5, "by_tile": [{"rows": 16, "cols": 64, "efficiency": 0.5, "k": 1}]})")
                .find("/by_tile/0/k: unknown field"),
            std::string::npos);
  EXPECT_NE(with(R"({"efficiency": 0.5, "by_tile": [{"rows": 16, "cols": 64, "efficiency": 0.5},
                                                     {"rows": 16, "cols": 64, "efficiency": 0.6}]})")
                .find("/by_tile/1: a second entry for tiles of 16 x 64"),
            std::string::npos);
  EXPECT_NE(with(R"({"efficiency": 0.5, "tiles": []})").find("/efficiency/kernels/matmul/tiles: unknown field"), std::string::npos);
}

// Two blocks of one kernel with different tiles take the efficiency of their own shape:
// on the 1 flop/ns machine, 1000 flops at 0.5 take 2000 ns, at 0.25 4000 ns.
TEST(SimTileEfficiency, EachTaskIsTimedAtItsTilesEfficiency) {
  Machine m = tg::testing::hand_machine(2, 1);
  m.kernel_efficiency = {{"rmsnorm", 0.25, {{16, 64, 0.5}}}};
  Scope s{"tiles"};
  auto x = s.input("x", {24, 64}, FP32);
  auto y = s.output("y", {24, 64}, FP32);
  s.vector("small", {In(x.rows(0, 8)), Out(y.rows(0, 8))}).cost(tg::testing::ns_of_compute(1000)).kernel_name("rmsnorm");
  s.vector("large", {In(x.rows(8, 16)), Out(y.rows(8, 16))}).cost(tg::testing::ns_of_compute(1000)).kernel_name("rmsnorm");
  const Graph g = s.finalize();
  EXPECT_EQ(block_tile_shape(g.task(0)).rows, 8);
  EXPECT_EQ(block_tile_shape(g.task(1)).rows, 16);
  EXPECT_EQ(block_tile_shape(g.task(1)).cols, 64);
  const auto r = SimExecutor{m}.simulate(g);
  std::int64_t ns[2] = {0, 0};
  for (const auto& row : r.timeline.rows()) ns[row.task] = row.end_ns - row.start_ns;
  EXPECT_EQ(ns[0], 4000);
  EXPECT_EQ(ns[1], 2000);
}

}  // namespace
