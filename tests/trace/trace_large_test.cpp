// Exports at 10^5 tasks: the HTML swimlane stays small per task (the page must load in a
// browser), the transitive reduction is still computed at 10^5 tasks, and one task more
// falls back to direct edges and says so in the output.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "trace/dot.hpp"
#include "trace/html.hpp"
#include "trace_test_graphs.hpp"

namespace {

using namespace tg;
using nlohmann::json;

json embedded_data(const std::string& html) {
  const std::string open = "<script id=\"tg-data\" type=\"application/json\">";
  const auto begin = html.find(open) + open.size();
  return json::parse(html.substr(begin, html.find("</script>", begin) - begin));
}

// `layers` x `width` tasks; task (l, j) reads act[l, j] and act[l, j+1] and writes
// act[l+1, j] (two RAW edges each), and every 10th task also waits explicitly for a task
// two layers back (an edge the transitive reduction drops).
Graph layered_graph(int layers, int width) {
  Scope s{"layered"};
  auto act = s.inout("act", {layers + 1, width + 1}, FP32);
  for (int l = 0; l < layers; ++l)
    for (int j = 0; j < width; ++j) {
      auto ref = s.submit(l % 2 ? TaskKind::Vector : TaskKind::Cube, l % 2 ? "layer_norm" : "layer_matmul",
                          {In(act.slice({l, j}, {1, 2})), Out(act.slice({l + 1, j}, {1, 1}))}, {});
      if (l >= 2 && j % 10 == 0) ref.after(static_cast<TaskId>((l - 2) * width + j));
    }
  return s.finalize();
}

TEST(LargeTrace, HtmlAtTenToTheFiveTasksIsBoundedPerTask) {
  const Graph g = layered_graph(1000, 100);
  ASSERT_EQ(g.num_tasks(), 100'000u);
  const Timeline tl = test::sim_like_timeline(g, 24);
  const std::string html = html_swimlane_string(g, tl);
  const double bytes_per_task = static_cast<double>(html.size()) / static_cast<double>(g.num_tasks());
  // Each task here: one row (6 timestamps), two args, about two edges, one scheduler span.
  EXPECT_LT(bytes_per_task, 400.0) << html.size() << " bytes";
  std::cout << "10^5-task swimlane: " << html.size() << " bytes, " << bytes_per_task << " bytes/task\n";
  // To open this page in a browser: TG_TRACE_LARGE_HTML=/tmp/large.html trace_large_test
  if (const char* path = std::getenv("TG_TRACE_LARGE_HTML")) std::ofstream(path) << html;
  const json data = embedded_data(html);
  EXPECT_EQ(data["rows"]["task"].size(), tl.rows().size());
  const std::string flows = data["flow_edges"];
  EXPECT_EQ(flows.rfind("transitive reduction:", 0), 0u) << flows;
  int reduced = 0;
  for (const auto& r : data["edges"]["reduced"]) reduced += r.get<int>();
  EXPECT_LT(reduced, static_cast<int>(g.edges().size())) << "the explicit edges two layers back are implied";
}

TEST(LargeTrace, MoreThanTenToTheFiveTasksFallsBackToDirectEdgesAndSaysSo) {
  Scope s{"long_chain"};
  for (TaskId t = 0; t <= 100'000; ++t) {
    auto ref = s.vector("step", {});
    if (t > 0) ref.after(t - 1);
  }
  const Graph g = s.finalize();
  Timeline tl;
  tl.source = "hand:chain";
  tl.lanes = {{"thread 0", LaneKind::Thread, -1}};
  for (TaskId t = 0; t < g.num_tasks(); ++t) {
    const std::int64_t at = 10 * static_cast<std::int64_t>(t);
    tl.add_row({t, 0, 0, 0, at, at, at, at, at + 10, at + 10});
  }
  tl.makespan_ns = tl.rows().back().end_ns;
  const json data = embedded_data(html_swimlane_string(g, tl));
  EXPECT_EQ(data["flow_edges"], "direct edges: 100001 tasks > 100000, transitive reduction skipped (100000 edges)");
  std::ostringstream dot;
  write_dot(g, dot);
  EXPECT_NE(dot.str().find("transitive reduction skipped"), std::string::npos);
}

}  // namespace
