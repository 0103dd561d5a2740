#pragma once
// A self-contained HTML swimlane of a run: one file, no network, opens from disk. Lanes
// (cores or host threads) with a slice per timeline row, counter tracks (ready tasks,
// idle cores), zoom with the wheel, pan by dragging, click a slice for its task's
// arguments, edges and timestamps. The drawing script is tilegraph's own (no libraries);
// it draws only what is in view and merges slices narrower than a pixel, so it stays
// usable at 10^5 tasks. Works for HostExecutor and simulator timelines alike.
#include <iosfwd>
#include <string>
#include <vector>

#include "tasks/timeline.hpp"
#include "tasks/graph.hpp"

namespace tg {

// The run's data sits in <script id="tg-data" type="application/json"> as columnar arrays
// (names and descriptions in a shared string table), so the file grows by a few hundred
// bytes per task. After drawing, the page writes what it drew into the hidden element
// #tg-summary (data-lanes, data-rows, data-drawn, data-selected, data-draw-ms) for tests. Opening
// FILE.html#task=N selects task N. Same inputs give the same bytes. Throws Error when the
// timeline does not belong to the graph (see check_timeline).
// Cost: O(R + N + E · N / 64) (the transitive reduction marks which edges get arrows).
void write_html_swimlane(const Graph& graph, const Timeline& timeline, std::ostream& out);
// A table the page shows below the swimlane, from data the caller gives (the fusion advice
// of `tilegraph sim --advise`); the page knows nothing of where it comes from.
struct HtmlSection {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};
void write_html_swimlane(const Graph& graph, const Timeline& timeline, std::ostream& out,
                         const std::vector<HtmlSection>& sections);
// Same, to a file; throws IoError naming the path when it cannot be written.
void write_html_swimlane(const Graph& graph, const Timeline& timeline, const std::string& path);
std::string html_swimlane_string(const Graph& graph, const Timeline& timeline);

}  // namespace tg
