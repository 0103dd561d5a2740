#pragma once
// Writes a Graph and its Timeline as a device capture (trace/capture_schema.hpp), so a
// simulated or host run can be read back by `tilegraph import`, by the reference runtime's
// own tools, and diffed against a real device run of the same graph.
#include <cstdint>
#include <string>

#include "tasks/graph.hpp"
#include "tasks/timeline.hpp"
#include "trace/capture_schema.hpp"

namespace tg {

struct CaptureExportOptions {
  std::int64_t clock_freq_hz = capture::kA2a3ClockHz;
  // Cycle count of the run's time 0: a device counter is never near 0, and the reference
  // reader takes a 0 timestamp for "not recorded".
  std::uint64_t base_cycles = 1'000'000'000;
};

// The three files' texts. Times are rounded to the nearest cycle, so reading them back
// gives every time within half a cycle (10 ns at 50 MHz) of the timeline's.
struct CaptureTexts {
  std::string records;   // chip_swimlane_records.json
  std::string deps;      // deps.json
  std::string name_map;  // name_map.json
};

// Throws Error (via check_timeline) when the timeline does not belong to the graph, and
// ConfigError for a clock outside 1 Hz .. 10 GHz. Cost: O(rows log rows + spans + V + E).
CaptureTexts capture_texts(const Graph& graph, const Timeline& timeline, const CaptureExportOptions& options = {});

// Writes the three files into `folder` (created if missing), each atomically.
void write_capture(const Graph& graph, const Timeline& timeline, const std::string& folder,
                   const CaptureExportOptions& options = {});

}  // namespace tg
