#pragma once
// The device capture format of the reference runtime (hw-native-sys/simpler), as its own
// reader (swimlane_converter.read_perf_data) reads it; docs/calibration.md has the layout.
// A capture is a folder: chip_swimlane_records.json (timing in clock cycles), deps.json (the
// graph, optional) and name_map*.json (callable id -> name, optional). What the exporter
// writes beyond the reference schema sits in fields its reader ignores (metadata.tilegraph,
// a 7th aicore_tasks column, task_id on dispatch records, name/kind/kernel on deps tasks).
#include <cstdint>
#include <string_view>

namespace tg::capture {

inline constexpr std::string_view kRecordsFile = "chip_swimlane_records.json";
inline constexpr std::string_view kDepsFile = "deps.json";
inline constexpr std::string_view kNameMapFile = "name_map.json";  // the reader takes name_map*.json

// a2a3's system counter runs at 50 MHz: one cycle is 20 ns.
inline constexpr std::int64_t kA2a3ClockHz = 50'000'000;
// Above 10 GHz a cycle is shorter than 0.1 ns and the ns timeline could not tell cycles apart.
inline constexpr std::int64_t kMaxClockHz = 10'000'000'000;

// aicore_tasks: [core_id, task_token_raw, reg_task_id, start_cycles, end_cycles,
// receive_to_start_cycles (v3; absent in v2 captures), block (tilegraph's extension)].
inline constexpr std::size_t kAicoreMinColumns = 5, kAicoreMaxColumns = 7;
// aicpu_tasks: [core_id, reg_task_id, dispatch_cycles, finish_cycles].
inline constexpr std::size_t kAicpuColumns = 4;

}  // namespace tg::capture
