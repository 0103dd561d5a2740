// Machine presets and machine JSON files: figures, derived per-core rates, clear errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "tasks/task_cost.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

std::string parse_error(const std::string& text) {
  try {
    parse_machine_json(text, "bad.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string a2a3_text() {
  // The preset text, round-tripped through a file so the path loader is covered too.
  return R"({
  "name": "custom", "description": "test chip",
  "topology": {"core_groups": 4, "scheduler_threads": 2, "host_lanes": 1},
  "compute": {"cube_bf16_tflops_per_chip": 40, "cube_int8_tops_per_chip": 80,
              "vector_fp32_tflops_per_chip": 8, "host_gflops_per_lane": 10, "cube_m_box_rows": 16},
  "memory": {"hbm_gbytes_per_s": 400, "gm_gbytes_per_s_per_core": 100,
             "host_gbytes_per_s_per_lane": 10, "gm_line_bytes": 512},
  "latency_ns": {"orchestrator_submit": 0, "dispatch": 100, "pickup": 800, "fin_detect": 500, "kernel_overhead": 0},
  "buffers_kib": {"aiv_ub": 192, "aiv_ub_usable": 184, "aic_l1": 512, "aic_l0a": 64, "aic_l0b": 64, "aic_l0c": 128}
})";
}

TEST(SimMachine, A2a3PresetHasTheDesignFigures) {
  const Machine m = load_machine("a2a3");
  EXPECT_EQ(m.core_groups, 24);
  EXPECT_EQ(m.cores(CoreType::Aic), 24);
  EXPECT_EQ(m.cores(CoreType::Aiv), 48);
  EXPECT_EQ(m.scheduler_threads, 3);
  EXPECT_EQ(m.aiv_ub_bytes, 192u * 1024);
  EXPECT_EQ(m.aiv_ub_usable_bytes, 184u * 1024);
  EXPECT_EQ(m.aic_l1_bytes, 512u * 1024);
  EXPECT_EQ(m.aic_l0a_bytes, 64u * 1024);
  EXPECT_EQ(m.aic_l0c_bytes, 128u * 1024);
  EXPECT_EQ(m.pickup_ns, 140);  // issue 17: the measured doorbell, no longer the design's 800
  EXPECT_EQ(m.cube_m_box_rows, 16);
  EXPECT_DOUBLE_EQ(m.cube_bf16_flops_per_s, 300e12 / 24);
  EXPECT_DOUBLE_EQ(m.cube_int8_ops_per_s, 2 * m.cube_bf16_flops_per_s);
  EXPECT_DOUBLE_EQ(m.hbm_bytes_per_s, 1.6e12);
  EXPECT_NE(m.summary().find("24 core groups"), std::string::npos);
}

TEST(SimMachine, A5AndHostPresetsLoad) {
  const Machine a5 = load_machine("a5");
  EXPECT_EQ(a5.aiv_ub_usable_bytes, 240u * 1024);
  EXPECT_EQ(a5.aic_l0c_bytes, 256u * 1024);
  EXPECT_EQ(a5.core_groups, 28);
  const Machine host = load_machine("host");
  EXPECT_GE(host.core_groups, 1);
  EXPECT_GE(host.host_lanes, 1);
  EXPECT_GT(host.aiv_ub_bytes, 0u);
  EXPECT_EQ(machine_preset_names(), (std::vector<std::string>{"a2a3", "a5", "host"}));
}

TEST(SimMachine, UnknownPresetListsThePresets) {
  try {
    load_machine("a9");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("a2a3, a5, host"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_machine("/no/such/machine.json"), IoError);
}

TEST(SimMachine, FileLoadsAndDerivesPerCoreRates) {
  const std::string path = ::testing::TempDir() + "custom_machine.json";
  std::ofstream(path) << a2a3_text();
  const Machine m = load_machine(path);
  std::remove(path.c_str());
  EXPECT_EQ(m.name, "custom");
  EXPECT_DOUBLE_EQ(m.cube_bf16_flops_per_s, 10e12);  // 40 TFLOP/s over 4 AIC
  EXPECT_DOUBLE_EQ(m.vector_flops_per_s, 1e12);      // 8 TFLOP/s over 8 AIV
  EXPECT_EQ(m.origin, "file " + path);
}

TEST(SimMachine, MalformedFilesNameTheJsonPath) {
  std::string text = a2a3_text();
  auto without = [&](const std::string& what, const std::string& with) {
    std::string t = text;
    t.replace(t.find(what), what.size(), with);
    return parse_error(t);
  };
  EXPECT_NE(without("\"pickup\": 800, ", "").find("bad.json: /latency_ns/pickup: missing"), std::string::npos);
  EXPECT_NE(without("\"core_groups\": 4", "\"core_groups\": 0").find("/topology/core_groups"), std::string::npos);
  EXPECT_NE(without("\"core_groups\": 4", "\"core_groups\": \"four\"").find("/topology/core_groups"), std::string::npos);
  EXPECT_NE(without("\"aic_l1\": 512", "\"aic_l1\": 512, \"aic_l2\": 1").find("/buffers_kib/aic_l2: unknown field"),
            std::string::npos);
  EXPECT_NE(without("\"aiv_ub_usable\": 184", "\"aiv_ub_usable\": 200").find("aiv_ub_usable"), std::string::npos);
  EXPECT_NE(without("\"hbm_gbytes_per_s\": 400", "\"hbm_gbytes_per_s\": -1").find("/memory/hbm_gbytes_per_s"),
            std::string::npos);
  EXPECT_NE(parse_error("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(parse_error("[]").find("must be a JSON object"), std::string::npos);
}

TEST(SimMachine, MachinesBuiltInCodeAreValidated) {
  Machine m = load_machine("a2a3");
  EXPECT_NO_THROW(m.validate());
  m.scheduler_threads = 0;
  try {
    m.validate();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("scheduler_threads"), std::string::npos) << e.what();
  }
  m = load_machine("a2a3");
  m.vector_flops_per_s = 0;
  EXPECT_THROW(m.validate(), ConfigError);
}

TEST(SimMachine, BlockDurationIsTheRooflinePlusOverhead) {
  Machine m = load_machine("a2a3");
  Scope s{"cost"};
  auto x = s.input("x", {16, 64}, BF16);
  auto y = s.output("y", {16, 64}, FP32);
  auto y8 = s.output("y8", {8, 64}, FP32);
  TaskId cube = s.cube("mm", {In(x), Out(y)}).cost(CostHint{12.5e6, 0, 0, false});
  TaskId padded = s.cube("mm8", {In(x), Out(y8)}).cost(CostHint{12.5e6, 0, 0, false});
  TaskId int8 = s.cube("mm_int8", {In(x), Out(y)}).cost(CostHint{12.5e6, 0, 0, true});
  TaskId bound = s.vector("copy", {In(x), Out(y)}).cost(CostHint{0, 128e3, 0, false});
  TaskId bare = s.vector("nohint", {In(x), Out(y)});
  auto g = s.finalize();
  const double bw = m.gm_bytes_per_s_per_core;
  // Issue 17: the cube runs at 0.6 of its peak and a block's overhead is the measured 520 ns.
  // 12.5 MFLOP at 12.5 TFLOP/s x 0.6 per AIC = 1666.7 ns, + 520.
  EXPECT_EQ(block_duration_ns(g.task(cube), m, bw), 1667 + 520);
  EXPECT_EQ(block_duration_ns(g.task(padded), m, bw), 3333 + 520);  // 8 rows padded to 16
  EXPECT_EQ(block_duration_ns(g.task(int8), m, bw), 833 + 520);
  EXPECT_EQ(block_duration_ns(g.task(bound), m, bw), 1000 + 520);  // 128 KB at 128 GB/s
  EXPECT_EQ(block_duration_ns(g.task(bare), m, bw), m.kernel_overhead_ns);
  EXPECT_DOUBLE_EQ(cube_padding_factor(g.task(padded), m), 2.0);
}

}  // namespace
