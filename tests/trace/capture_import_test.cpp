// Malformed captures: each is refused with a ConfigError naming the file, the record and
// the field (trace/capture_import.hpp), never a crash or a silently wrong timeline. The
// fuzz corpus (tests/fuzz/corpus_capture/) replays here too.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "../fuzz_corpus_replay.hpp"
#include "runtime/error.hpp"
#include "scheduler/sim_executor.hpp"
#include "trace/capture_export.hpp"
#include "trace/capture_import.hpp"
#include "trace_test_graphs.hpp"

namespace tg {
namespace {

using json = nlohmann::json;

// A minimal valid capture: one vector task on core 1 (an AIV), level 2.
json minimal_records() {
  return json::parse(R"({
    "chip_swimlane_level": 2,
    "metadata": {"clock_freq_hz": 50000000, "num_cores": 3, "core_types": ["aic", "aiv", "aiv"]},
    "aicore_tasks": [[1, 7, 1, 1000, 1050, 0]],
    "aicpu_tasks": [[1, 1, 990, 1060]]
  })");
}

CaptureFiles files(const json& records, const std::optional<json>& deps = std::nullopt) {
  CaptureFiles f;
  f.folder = "cap";
  f.records = records.dump();
  if (deps) f.deps = deps->dump();
  return f;
}

// Parses and expects a ConfigError whose context names `file` and `json_path`.
void expect_refused(const CaptureFiles& f, const std::string& file, const std::string& json_path,
                    const std::string& words) {
  try {
    (void)parse_capture(f);
    FAIL() << "accepted; expected an error at " << json_path;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.context().file, file) << e.what();
    EXPECT_EQ(e.context().json_path, json_path) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(CaptureImport, MinimalCaptureReadsInNanoseconds) {
  const ImportedCapture c = parse_capture(files(minimal_records()));
  ASSERT_EQ(c.graph.num_tasks(), 1u);
  EXPECT_EQ(c.graph.task(0).kind, TaskKind::Vector);
  EXPECT_EQ(c.task_ids[0], 7u);
  ASSERT_EQ(c.timeline.rows().size(), 1u);
  const TimelineRow r = c.timeline.rows()[0];
  // Time 0 is the first timestamp (dispatch at cycle 990); 20 ns a cycle.
  EXPECT_EQ(r.dispatch_ns, 0);
  EXPECT_EQ(r.start_ns, 200);
  EXPECT_EQ(r.end_ns, 1200);
  EXPECT_EQ(r.finish_ns, 1400);
  EXPECT_EQ(c.timeline.lanes[r.lane].name, "g0.AIV0");
  EXPECT_EQ(c.timeline.makespan_ns, 1400);
}

TEST(CaptureImport, A5ClockIsOneNanosecondACycle) {
  json r = minimal_records();
  r["metadata"]["clock_freq_hz"] = 1000000000;
  const ImportedCapture c = parse_capture(files(r));
  EXPECT_EQ(c.timeline.rows()[0].end_ns, 60);
}

TEST(CaptureImport, BadFieldsAreNamed) {
  const std::string rec = "cap/chip_swimlane_records.json";
  json r = minimal_records();
  r["metadata"].erase("clock_freq_hz");
  expect_refused(files(r), rec, "/metadata/clock_freq_hz", "missing");

  r = minimal_records();
  r["metadata"]["clock_freq_hz"] = 0;
  expect_refused(files(r), rec, "/metadata/clock_freq_hz", "from 1 to");

  r = minimal_records();
  r["chip_swimlane_level"] = 9;
  expect_refused(files(r), rec, "/chip_swimlane_level", "from 1 to 4");

  r = minimal_records();
  r["aicore_tasks"][0][0] = 3;  // core 3 of 3
  expect_refused(files(r), rec, "/aicore_tasks/0/0", "core id");

  r = minimal_records();
  r["aicore_tasks"][0][4] = 999;  // ends before it starts
  expect_refused(files(r), rec, "/aicore_tasks/0/4", "before start");

  r = minimal_records();
  r["aicore_tasks"][0][3] = -5;
  expect_refused(files(r), rec, "/aicore_tasks/0/3", "0 to 2^64-1");

  r = minimal_records();
  r["aicore_tasks"][0][3] = 1.5;
  expect_refused(files(r), rec, "/aicore_tasks/0/3", "start cycle");

  r = minimal_records();
  r["aicore_tasks"][0] = json::array({1, 7, 1});
  expect_refused(files(r), rec, "/aicore_tasks/0", "3 columns");

  r = minimal_records();
  r["aicore_tasks"].push_back(json::array({1, 8, 1, 2000, 2100, 0}));  // the same (core, reg) again
  expect_refused(files(r), rec, "/aicore_tasks/1/2", "twice");

  r = minimal_records();
  r["aicpu_tasks"][0][3] = 1000;  // FIN seen before the core ended
  expect_refused(files(r), rec, "/aicpu_tasks/0/3", "before the AICore end");

  r = minimal_records();
  r["metadata"]["core_types"][1] = "npu";
  expect_refused(files(r), rec, "/metadata/core_types/1", "unknown core type");

  r = minimal_records();
  r["metadata"]["num_cores"] = 2;
  expect_refused(files(r), rec, "/metadata/core_types", "num_cores is 2");
}

TEST(CaptureImport, DuplicateKeysAndBadJsonAreRefused) {
  CaptureFiles f = files(minimal_records());
  f.records = R"({"chip_swimlane_level": 2, "chip_swimlane_level": 3})";
  try {
    (void)parse_capture(f);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate key"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("chip_swimlane_records.json"), std::string::npos) << e.what();
  }
  f.records = "{";
  EXPECT_THROW((void)parse_capture(f), ConfigError);
}

TEST(CaptureImport, BadDepsAreNamed) {
  const std::string deps_file = "cap/deps.json";
  json deps = json::parse(R"({"tasks": [{"task_id": "7", "kernel_ids": [-1, 0, -1], "block_num": 1}],
                              "edges": [{"pred": "7", "succ": "9", "arg": 0, "source": "tensormap"}]})");
  expect_refused(files(minimal_records(), deps), deps_file, "/edges/0/succ", "does not list");

  deps["edges"][0]["succ"] = "7";
  expect_refused(files(minimal_records(), deps), deps_file, "/edges/0/succ", "to itself");

  deps["edges"] = json::array();
  deps["tasks"][0]["task_id"] = "seven";
  expect_refused(files(minimal_records(), deps), deps_file, "/tasks/0/task_id", "decimal string");

  deps["tasks"][0]["task_id"] = "7";
  deps["tasks"][0]["kernel_ids"] = json::array({0, 1});
  expect_refused(files(minimal_records(), deps), deps_file, "/tasks/0/kernel_ids", "[aic, aiv0, aiv1]");

  deps["tasks"][0]["kernel_ids"] = json::array({-1, 0, -1});
  deps["tasks"][0]["block_num"] = 0;
  expect_refused(files(minimal_records(), deps), deps_file, "/tasks/0/block_num", "from 1 to");

  deps["tasks"][0]["block_num"] = 1;
  deps["edges"] = json::parse(R"([{"pred": "7", "succ": "8", "source": "magic"}])");
  deps["tasks"].push_back(json::parse(R"({"task_id": "8"})"));
  expect_refused(files(minimal_records(), deps), deps_file, "/edges/0/source", "unknown edge source");
}

TEST(CaptureImport, ACycleInDepsIsAGraphErrorNamingTheFile) {
  json deps = json::parse(R"({"tasks": [{"task_id": "7"}, {"task_id": "8"}],
                              "edges": [{"pred": "7", "succ": "8"}, {"pred": "8", "succ": "7"}]})");
  try {
    (void)parse_capture(files(minimal_records(), deps));
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_EQ(e.context().file, "cap/deps.json");
  }
}

TEST(CaptureImport, NamesComeFromTheNameMap) {
  json deps = json::parse(R"({"tasks": [{"task_id": "7", "kernel_ids": [-1, 3, -1], "block_num": 1}], "edges": []})");
  CaptureFiles f = files(minimal_records(), deps);
  f.name_map = R"({"level": 2, "callable_id_to_name": {"3": "softmax"}})";
  const ImportedCapture c = parse_capture(f);
  EXPECT_EQ(c.graph.task(0).name, "softmax");
  EXPECT_EQ(c.graph.task(0).kernel_name, "softmax");
  f.name_map = R"({"callable_id_to_name": {"x": "softmax"}})";
  expect_refused(f, "cap/name_map.json", "/callable_id_to_name/x", "not a non-negative integer");
}

TEST(CaptureImport, MissingFolderIsAnIoError) {
  EXPECT_THROW((void)read_capture("/nonexistent/capture"), IoError);
}

TEST(CaptureImport, WriteAndReadAFolder) {
  const Graph g = test::mixed_kind_graph();
  const SimResult r = SimExecutor(load_machine("a2a3")).simulate(g);
  const auto dir = std::filesystem::temp_directory_path() / "tg_capture_import_test";
  std::filesystem::remove_all(dir);
  write_capture(g, r.timeline, dir.string());
  const ImportedCapture c = read_capture(dir.string());
  EXPECT_EQ(c.graph.num_tasks(), g.num_tasks());
  EXPECT_EQ(c.graph.edges().size(), g.edges().size());
  EXPECT_EQ(c.timeline.rows().size(), r.timeline.rows().size());
  std::filesystem::remove_all(dir);
}

// The fuzzer's input: the records file, then optionally deps.json and the name map, each
// after a 0x1e (record separator) byte (tests/fuzz/capture_fuzz.cpp).
TEST(CaptureImport, FuzzCorpusReplays) {
  const auto counts = testing::replay_corpus("corpus_capture", [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    (void)parse_capture(capture_files_from_fuzz_input(text));
  });
  EXPECT_GT(counts.files, 3);
  EXPECT_GT(counts.read, 0);
}

}  // namespace
}  // namespace tg
