// HTML swimlane, without a browser: one self-contained file (no network, no external
// scripts), its embedded data parses and matches the timeline row for row, names cannot
// break out of the data element, and identical inputs give identical bytes.
#include "trace/html.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <set>

#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"
#include "trace_test_graphs.hpp"

namespace {

using namespace tg;
using nlohmann::json;

json embedded_data(const std::string& html) {
  const std::string open = "<script id=\"tg-data\" type=\"application/json\">";
  const auto begin = html.find(open);
  EXPECT_NE(begin, std::string::npos);
  const auto end = html.find("</script>", begin);
  EXPECT_NE(end, std::string::npos);
  return json::parse(html.substr(begin + open.size(), end - begin - open.size()));
}

TEST(HtmlSwimlane, IsSelfContained) {
  const Graph g = test::mixed_kind_graph();
  const std::string html = html_swimlane_string(g, test::sim_like_timeline(g));
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  for (const char* outside : {"http://", "https://", "<script src", "<link", "@import", "url("})
    EXPECT_EQ(html.find(outside), std::string::npos) << "the page must not load " << outside;
  EXPECT_NE(html.find("<canvas id=\"swimlane\">"), std::string::npos);
  EXPECT_NE(html.find("id=\"tg-summary\""), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(HtmlSwimlane, DataMatchesTheTimelineRowForRow) {
  const Graph g = test::mixed_kind_graph();
  const Timeline tl = test::sim_like_timeline(g);
  const json data = embedded_data(html_swimlane_string(g, tl));
  EXPECT_EQ(data["graph"], "mixed_kinds");
  EXPECT_EQ(data["makespan_ns"], tl.makespan_ns);
  ASSERT_EQ(data["lanes"].size(), tl.lanes.size());
  EXPECT_EQ(data["lanes"][0], json({"g0.AIC", "AIC", 0}));  // name, kind, core group
  const json& rows = data["rows"];
  ASSERT_EQ(rows["task"].size(), test::sim_rows_of(g));
  for (std::size_t i = 0; i < tl.rows().size(); ++i) {
    EXPECT_EQ(rows["task"][i], tl.rows()[i].task);
    EXPECT_EQ(rows["lane"][i], tl.rows()[i].lane);
    EXPECT_EQ(rows["sub"][i], tl.rows()[i].subslot);
    EXPECT_EQ(rows["start"][i], tl.rows()[i].start_ns);
    EXPECT_EQ(rows["finish"][i], tl.rows()[i].finish_ns);
    EXPECT_GE(rows["start"][i].get<std::int64_t>(), 0);
    EXPECT_LE(rows["finish"][i].get<std::int64_t>(), tl.makespan_ns);
  }
  EXPECT_EQ(data["spans"]["task"].size(), tl.scheduler_spans().size());
  const json& strings = data["strings"];
  EXPECT_EQ(strings[data["tasks"]["name"][2].get<int>()], "mix_attn");
  EXPECT_EQ(strings[data["tasks"]["args"][2][0].get<int>()], "In b[0:16, 0:32]");
  // Edges in Graph::edges() order, with the reduction flag and the overlapping region.
  ASSERT_EQ(data["edges"]["from"].size(), g.edges().size());
  int reduced = 0;
  for (std::size_t e = 0; e < g.edges().size(); ++e) {
    EXPECT_EQ(data["edges"]["from"][e], g.edges()[e].from);
    reduced += data["edges"]["reduced"][e].get<int>();
  }
  EXPECT_LT(reduced, static_cast<int>(g.edges().size()));
  EXPECT_GE(data["counters"].size(), 3u);
}

// Each row carries the tile box its block writes (a string id), -1 for a task without tiles.
TEST(HtmlSwimlane, RowsNameTheTileTheirBlockWrites) {
  const Graph g = test::tiled_graph();
  const Timeline tl = test::sim_like_timeline(g);
  const json data = embedded_data(html_swimlane_string(g, tl));
  const json& rows = data["rows"];
  const json& strings = data["strings"];
  ASSERT_EQ(rows["tile"].size(), tl.rows().size());
  std::set<std::string> rows_tiles, grid_tiles;
  for (std::size_t i = 0; i < tl.rows().size(); ++i) {
    const std::string& task = g.task(tl.rows()[i].task).name;
    const int tile = rows["tile"][i];
    if (task == "whole") {
      EXPECT_EQ(tile, -1);
      continue;
    }
    ASSERT_GE(tile, 0) << task;
    const std::string text = std::to_string(tl.rows()[i].block) + ": " + strings[tile].get<std::string>();
    (task == "rows" ? rows_tiles : grid_tiles).insert(text);
  }
  EXPECT_EQ(rows_tiles, (std::set<std::string>{"0: y[0:2, 0:32]", "1: y[2:4, 0:32]", "2: y[4:6, 0:32]", "3: y[6:7, 0:32]"}));
  EXPECT_EQ(grid_tiles, (std::set<std::string>{"0: z[0:4, 0:16]", "1: z[0:4, 16:32]", "2: z[4:8, 0:16]", "3: z[4:8, 16:32]"}));
  // The details panel shows it.
  EXPECT_NE(html_swimlane_string(g, tl).find("line(\"writes\", S[R.tile[row]])"), std::string::npos);
}

TEST(HtmlSwimlane, NamesCannotCloseTheDataElement) {
  Scope s{"</script><script>alert(1)</script>"};
  s.vector("<b>bold</b>", {});
  const Graph g = s.finalize();
  Timeline tl;
  tl.lanes = {{"thread 0", LaneKind::Thread, -1}};
  tl.add_rows({{0, 0, 0, 0, 0, 0, 0, 0, 10, 10}});
  tl.makespan_ns = 10;
  const std::string html = html_swimlane_string(g, tl);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold"), std::string::npos);
  const json data = embedded_data(html);
  EXPECT_EQ(data["graph"], "</script><script>alert(1)</script>");
  EXPECT_EQ(data["strings"][0], "<b>bold</b>");
}

TEST(HtmlSwimlane, HostExecutorTimelineExportsAndIsDeterministic) {
  std::mt19937 rng(3);
  const Graph g = test::random_graph(rng, 40);
  HostExecutor executor(2);
  const Timeline tl = executor.run(g).timeline;
  const std::string html = html_swimlane_string(g, tl);
  const json data = embedded_data(html);
  std::size_t blocks = 0;
  for (const Task& t : g.tasks()) blocks += static_cast<std::size_t>(t.block_num);
  EXPECT_EQ(data["rows"]["task"].size(), blocks);
  EXPECT_EQ(data["lanes"][0], json({"thread 0", "thread", -1}));
  EXPECT_EQ(html_swimlane_string(g, tl), html);
}

TEST(HtmlSwimlane, BadTimelineAndUnwritablePathAreClearErrors) {
  const Graph g = test::mixed_kind_graph();
  Timeline tl = test::sim_like_timeline(g);
  tl.packed_rows()[1].block = 7;
  try {
    html_swimlane_string(g, tl);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("block 7 of a task with block_num 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_html_swimlane(g, test::sim_like_timeline(g), "/nonexistent-dir/x.html"), IoError);
}

}  // namespace
