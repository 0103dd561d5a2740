// Machine files: figures that would overflow the simulator's arithmetic, integers above
// their field's type, duplicate keys and overflowing literals are ConfigErrors naming the
// JSON path, read before anything uses them.
#include <gtest/gtest.h>

#include "tests/fuzz_corpus_replay.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "runtime/text_file.hpp"

namespace tg {
namespace {

const std::string kBase = R"({
  "name": "t",
  "topology": {"core_groups": 4, "scheduler_threads": 1, "host_lanes": 2},
  "compute": {"cube_bf16_tflops_per_chip": 40, "cube_int8_tops_per_chip": 80,
              "vector_fp32_tflops_per_chip": 8, "host_gflops_per_lane": 50, "cube_m_box_rows": 16},
  "memory": {"hbm_gbytes_per_s": 400, "gm_gbytes_per_s_per_core": 100, "host_gbytes_per_s_per_lane": 10,
             "gm_line_bytes": 512},
  "latency_ns": {"orchestrator_submit": 100, "dispatch": 200, "pickup": 800, "fin_detect": 500, "kernel_overhead": 1000},
  "buffers_kib": {"aiv_ub": 192, "aiv_ub_usable": 184, "aic_l1": 512, "aic_l0a": 64, "aic_l0b": 64, "aic_l0c": 128}
})";

std::string error_with(const std::string& what, const std::string& with) {
  std::string text = kBase;
  const auto at = text.find(what);
  EXPECT_NE(at, std::string::npos) << what;
  text.replace(at, what.size(), with);
  try {
    parse_machine_json(text, "m.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(MachineLimits, TheBaseParses) { EXPECT_EQ(parse_machine_json(kBase, "m.json").core_groups, 4); }

TEST(MachineLimits, IntegersAboveTheirTypeAreNotTruncated) {
  EXPECT_NE(error_with("\"core_groups\": 4", "\"core_groups\": 4294967297").find("m.json: /topology/core_groups: expected an integer number of groups from 1 to 20000, found 4294967297"),
            std::string::npos);
  EXPECT_NE(error_with("\"host_lanes\": 2", "\"host_lanes\": 18446744073709551615").find("/topology/host_lanes"), std::string::npos);
  EXPECT_NE(error_with("\"aic_l1\": 512", "\"aic_l1\": 18014398509481984").find("/buffers_kib/aic_l1"), std::string::npos);
  EXPECT_NE(error_with("\"cube_m_box_rows\": 16", "\"cube_m_box_rows\": 4294967312").find("/compute/cube_m_box_rows"),
            std::string::npos);
}

TEST(MachineLimits, LatenciesHaveAnUpperBound) {
  EXPECT_NE(error_with("\"pickup\": 800", "\"pickup\": 9223372036854775807").find("m.json: /latency_ns/pickup: expected an integer number of ns from 0 to 1000000000000"),
            std::string::npos);
  EXPECT_EQ(error_with("\"pickup\": 800", "\"pickup\": 1000000000000"), "(no error)");
}

TEST(MachineLimits, RatesThatWouldOverflowDurationsAreRefused) {
  EXPECT_NE(error_with("\"vector_fp32_tflops_per_chip\": 8", "\"vector_fp32_tflops_per_chip\": 1e-300").find("/compute/vector_fp32_tflops_per_chip: must be a number of TFLOP/s from 1e-06 to 1e+06"),
            std::string::npos);
  // 0.004 TFLOP/s over 8 AIV is 0.5 GFLOP/s per core.
  EXPECT_NE(error_with("\"vector_fp32_tflops_per_chip\": 8", "\"vector_fp32_tflops_per_chip\": 0.004").find("must give at least 1 GFLOP/s per core"),
            std::string::npos);
  EXPECT_NE(error_with("\"hbm_gbytes_per_s\": 400", "\"hbm_gbytes_per_s\": 1e300").find("/memory/hbm_gbytes_per_s: must be a number of GB/s from 1 to 1e+09"),
            std::string::npos);
  EXPECT_NE(error_with("\"host_gflops_per_lane\": 50", "\"host_gflops_per_lane\": 0.5").find("/compute/host_gflops_per_lane"),
            std::string::npos);
}

TEST(MachineLimits, DuplicateKeysAndOverflowingLiteralsNameThePath) {
  EXPECT_NE(error_with("\"pickup\": 800", "\"pickup\": 800, \"pickup\": 8").find("m.json: /latency_ns/pickup: duplicate key 'pickup'"),
            std::string::npos);
  EXPECT_NE(error_with("\"name\": \"t\"", "\"name\": \"t\", \"name\": \"u\"").find("m.json: /name: duplicate key"), std::string::npos);
  EXPECT_NE(error_with("\"hbm_gbytes_per_s\": 400", "\"hbm_gbytes_per_s\": 1e999").find("m.json: /memory/hbm_gbytes_per_s: number overflow"),
            std::string::npos);
}

// The chip-model components (issue 17) are optional; when given they are checked like the
// rest: ranges, unknown keys, duplicate keys, integers above their type.
const std::string kLatency = R"("kernel_overhead": 1000})";
const std::string kBuffers = R"("buffers_kib")";

TEST(MachineLimits, ChipModelComponentsAreOptionalAndRead) {
  const Machine plain = parse_machine_json(kBase, "m.json");
  EXPECT_EQ(plain.completion_ns, 0);
  EXPECT_EQ(plain.task_ring_slots, 0);
  EXPECT_DOUBLE_EQ(plain.cube_efficiency, 1);
  EXPECT_FALSE(plain.spmd_block_dispatch_ns.has_value());
  std::string text = kBase;
  text.replace(text.find(kLatency), kLatency.size(),
               R"("kernel_overhead": 1000, "completion": 3950, "cold_start": 2150, "switch": 180,
                  "orchestrator_per_arg": 109, "spmd_block_dispatch": 5})");
  text.replace(text.find(kBuffers), kBuffers.size(),
               R"("efficiency": {"cube": 0.6, "vector": 0.5, "kernels": {"matmul": 0.7}},
                  "jitter": {"dispatch": 0.2, "kernel": 0.085}, "buffers_kib")");
  const Machine m = parse_machine_json(text, "m.json");
  EXPECT_EQ(m.completion_ns, 3950);
  EXPECT_EQ(m.block_dispatch_ns(true), 200);
  EXPECT_EQ(m.block_dispatch_ns(false), 5);
  EXPECT_DOUBLE_EQ(m.efficiency("matmul", CoreType::Aic), 0.7);
  EXPECT_DOUBLE_EQ(m.efficiency("rmsnorm", CoreType::Aiv), 0.5);
  EXPECT_DOUBLE_EQ(m.jitter.kernel.low, 1 - 0.085);
  EXPECT_DOUBLE_EQ(m.jitter.kernel.high, 1 + 0.085);
  EXPECT_NE(m.summary().find("completion 3950 ns"), std::string::npos) << m.summary();
}

TEST(MachineLimits, ChipModelComponentsAreChecked) {
  auto with_object = [](const std::string& object) {
    std::string text = kBase;
    text.replace(text.find(kBuffers), kBuffers.size(), object + ", \"buffers_kib\"");
    try {
      parse_machine_json(text, "m.json");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(with_object(R"("efficiency": {"cube": 0})").find("m.json: /efficiency/cube: must be a number of fraction of peak from 0.01 to 1"),
            std::string::npos);
  EXPECT_NE(with_object(R"("efficiency": {"cube": 1.5})").find("/efficiency/cube"), std::string::npos);
  EXPECT_NE(with_object(R"("efficiency": {"kernels": {"matmul": 0.001}})").find("/efficiency/kernels/matmul"), std::string::npos);
  EXPECT_NE(with_object(R"("efficiency": {"cbue": 0.5})").find("/efficiency/cbue: unknown field"), std::string::npos);
  EXPECT_NE(with_object(R"("jitter": {"head": 0.2, "head": 0.3})").find("/jitter/head: duplicate key"), std::string::npos);
  EXPECT_NE(with_object(R"("jitter": {"head": 2})").find("/jitter/head"), std::string::npos);
  EXPECT_NE(error_with("\"host_lanes\": 2", "\"host_lanes\": 2, \"task_ring_slots\": 4294967297").find("/topology/task_ring_slots"),
            std::string::npos);
  EXPECT_NE(error_with("\"gm_line_bytes\": 512", "\"gm_line_bytes\": 512, \"l2_kib\": -1").find("/memory/l2_kib"), std::string::npos);
  EXPECT_NE(error_with(kLatency, "\"kernel_overhead\": 1000, \"completion\": 9223372036854775807}").find("/latency_ns/completion"),
            std::string::npos);
}

TEST(MachineLimits, ADirectoryIsNotAMachineFile) {
  try {
    load_machine(::testing::TempDir());
    FAIL() << "a directory loaded as a machine";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory; expected a file"), std::string::npos) << e.what();
  }
}

// Every file of the fuzz corpus (tests/fuzz/corpus_machine/, fuzzed by tests/fuzz/machine_json_fuzz.cpp)
// gives a Machine or throws a tg::Error: never a crash, never another exception type.
TEST(MachineLimits, FuzzCorpusReplays) {
  const auto counts = testing::replay_corpus("corpus_machine", [](const std::filesystem::path& file) {
    (void)parse_machine_json(read_text_file(file.string(), "machine file"), file.filename().string());
  });
  EXPECT_GE(counts.files, 10);
  EXPECT_GE(counts.read, 2);
}

}  // namespace
}  // namespace tg
