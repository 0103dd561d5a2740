#pragma once
// Reads a device capture (trace/capture_schema.hpp; docs/calibration.md) into a Graph and a
// Timeline, so the schedule analysis, the HTML swimlane, the Perfetto trace and the diff
// read a device run as they read a simulated one. Cycles become ns with the capture's own
// clock (metadata.clock_freq_hz: 50 MHz on a2a3), from its first timestamp.
//
// Tasks are the capture's task ids in ascending order ((ring << 32) | local: submit order
// within a ring); deps.json gives their kernels, block counts and edges, name_map*.json the
// kernels' names. Without deps.json a task's kind comes from the cores its rows ran on and
// the graph has no edges. A malformed file is a ConfigError whose context names the file
// and the JSON path of the record and field ("deps.json: /edges/3/succ: ...").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tasks/graph.hpp"
#include "tasks/timeline.hpp"

namespace tg {

// One scheduler-thread phase record ("dispatch", "complete", ...), kept for fitting and
// diffing: only dispatch records naming their task become Timeline spans.
struct CapturePhase {
  int thread = 0;
  std::string kind;
  std::int64_t begin_ns = 0, end_ns = 0;
  std::int64_t tasks_processed = 0;
};

// One orchestrator submit record.
struct CaptureSubmit {
  TaskId task = 0;
  std::int64_t begin_ns = 0, end_ns = 0;
};

struct ImportedCapture {
  Graph graph;
  Timeline timeline;
  int level = 0;                         // chip_swimlane_level, 1..4
  std::int64_t clock_freq_hz = 0;
  std::vector<std::uint64_t> task_ids;   // the capture's id of each TaskId
  std::vector<CapturePhase> scheduler_phases;
  std::vector<CaptureSubmit> submits;
  std::vector<std::string> notes;        // what was dropped or derived, for the user
};

// The files of one capture as text; `folder` names them in errors.
struct CaptureFiles {
  std::string folder;
  std::string records;                 // chip_swimlane_records.json
  std::optional<std::string> deps;     // deps.json
  std::optional<std::string> name_map; // name_map*.json
  std::string name_map_file = "name_map.json";
};

// Cost: O(R log R + P + V + E) for R task records, P phase records, V tasks, E edges.
ImportedCapture parse_capture(const CaptureFiles& files);

// The fuzzer's single input split into files: the records text, then optionally deps.json
// and the name map, each after a 0x1e (ASCII record separator) byte.
CaptureFiles capture_files_from_fuzz_input(const std::string& text);

// Reads `folder`: chip_swimlane_records.json (required; IoError naming it when missing),
// deps.json and the first name_map*.json in name order (optional).
ImportedCapture read_capture(const std::string& folder);

}  // namespace tg
