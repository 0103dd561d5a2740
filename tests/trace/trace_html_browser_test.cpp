// The HTML swimlane in headless Chromium: the page's script runs, draws every lane and
// writes what it drew into #tg-summary, and opening FILE.html#task=N shows task N's
// details. Skips when no Chromium is installed (scripts/setup.sh installs Debian's
// `chromium`); each browser run is bounded by `timeout`, so a stuck browser fails the
// test instead of hanging it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "scheduler/host_executor.hpp"
#include "trace/html.hpp"
#include "trace_test_graphs.hpp"

namespace {

using namespace tg;
namespace fs = std::filesystem;

std::string find_chromium() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t begin = 0; begin <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', begin), dirs.size());
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(dirs.substr(begin, end - begin)) / name;
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec)) return candidate.string();
    }
    begin = end + 1;
  }
  return "";
}

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    if (chromium_.empty()) GTEST_SKIP() << "no chromium on PATH; run scripts/setup.sh to install it";
    dir_ = fs::temp_directory_path() / ("tg_browser_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "profile");
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // The DOM after the page loaded, from `chromium --dump-dom`; "" when the browser failed.
  std::string dump_dom(const std::string& html_file, const std::string& fragment) {
    const fs::path out = dir_ / "dom.html";
    const std::string command = "timeout -k 5 60 " + chromium_ +
                                " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                                " --disable-background-networking --disable-component-update --disable-sync"
                                " --window-size=1200,800 --user-data-dir=" + (dir_ / "profile").string() +
                                " --dump-dom 'file://" + html_file + fragment + "' > " + out.string() + " 2>/dev/null";
    const int status = std::system(command.c_str());
    EXPECT_EQ(status, 0) << command;
    std::ifstream in(out);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // data-NAME="value" of the #tg-summary element.
  static std::string summary(const std::string& dom, const std::string& name) {
    const std::regex element(R"(<div id="tg-summary"[^>]*>)");
    std::smatch m;
    if (!std::regex_search(dom, m, element)) return "";
    const std::string tag = m.str();
    const std::regex attribute("data-" + name + "=\"([^\"]*)\"");
    return std::regex_search(tag, m, attribute) ? m[1].str() : "";
  }

  std::string write(const Graph& g, const Timeline& tl) {
    const std::string path = (dir_ / "swimlane.html").string();
    write_html_swimlane(g, tl, path);
    return path;
  }

  std::string chromium_;
  fs::path dir_;
};

TEST_F(BrowserTest, SimShapedSwimlaneDrawsEveryLaneAndShowsTheSelectedTask) {
  const Graph g = test::mixed_kind_graph();
  const Timeline tl = test::sim_like_timeline(g);
  const std::string dom = dump_dom(write(g, tl), "#task=2");
  ASSERT_FALSE(dom.empty());
  EXPECT_EQ(summary(dom, "lanes"), std::to_string(tl.lanes.size()));
  EXPECT_EQ(summary(dom, "lanes-drawn"), std::to_string(tl.lanes.size()));  // 8 lanes fit in 800 px
  EXPECT_EQ(summary(dom, "rows"), std::to_string(test::sim_rows_of(g)));
  EXPECT_EQ(summary(dom, "slices"), std::to_string(tl.rows().size() + tl.scheduler_spans().size()));
  EXPECT_GT(std::stoi("0" + summary(dom, "drawn")), 0);
  EXPECT_EQ(summary(dom, "selected"), "mix_attn#2");
  EXPECT_NE(dom.find("<h3>mix_attn#2</h3>"), std::string::npos);
  EXPECT_NE(dom.find("In b[0:16, 0:32]"), std::string::npos) << "the details list the task's args";
  EXPECT_NE(dom.find("proj#1"), std::string::npos) << "the details list the in edge";
}

TEST_F(BrowserTest, HostExecutorSwimlaneRenders) {
  std::mt19937 rng(11);
  const Graph g = test::random_graph(rng, 120);
  HostExecutor executor(2);
  const Timeline tl = executor.run(g).timeline;
  const std::string dom = dump_dom(write(g, tl), "");
  ASSERT_FALSE(dom.empty());
  EXPECT_EQ(summary(dom, "lanes"), std::to_string(tl.lanes.size()));
  EXPECT_EQ(summary(dom, "rows"), std::to_string(tl.rows().size()));
  EXPECT_GT(std::stoi("0" + summary(dom, "drawn")), 0);
  EXPECT_EQ(summary(dom, "selected"), "");
}

// Lanes with at least one slice (a timeline row or a scheduler span), counted plainly.
std::size_t busy_lanes(const Timeline& tl) {
  std::vector<char> busy(tl.lanes.size(), 0);
  for (const auto& r : tl.rows()) busy[r.lane] = 1;
  for (const auto& s : tl.scheduler_spans()) busy[s.lane] = 1;
  return static_cast<std::size_t>(std::count(busy.begin(), busy.end(), 1));
}

TEST_F(BrowserTest, HideIdleLanesLeavesOnlyLanesWithSlices) {
  const Graph g = test::mixed_kind_graph();
  const Timeline tl = test::sim_like_timeline(g, 20);  // 60 core lanes, most of them idle
  const std::size_t busy = busy_lanes(tl);
  ASSERT_LT(busy, tl.lanes.size() / 2);
  const std::string path = write(g, tl);
  const std::string all = dump_dom(path, "");
  EXPECT_EQ(summary(all, "lanes-shown"), std::to_string(tl.lanes.size()));
  const std::string hidden = dump_dom(path, "#hide-idle=1");
  ASSERT_FALSE(hidden.empty());
  EXPECT_EQ(summary(hidden, "lanes-shown"), std::to_string(busy));
  EXPECT_EQ(summary(hidden, "lane-tracks"), std::to_string(busy));
  EXPECT_EQ(summary(hidden, "lanes-drawn"), std::to_string(busy)) << "the busy lanes now fit on the page";
  EXPECT_NE(hidden.find("id=\"hide-idle\""), std::string::npos);
}

TEST_F(BrowserTest, CollapsedCoreGroupsTakeOneRowEach) {
  const Graph g = test::mixed_kind_graph();
  const int groups = 4;
  const Timeline tl = test::sim_like_timeline(g, groups);
  const std::string path = write(g, tl);
  const std::string dom = dump_dom(path, "#collapse=1");
  ASSERT_FALSE(dom.empty());
  const std::size_t other_lanes = tl.lanes.size() - 3 * groups;  // sched 0, host 0
  EXPECT_EQ(summary(dom, "lane-tracks"), std::to_string(groups + other_lanes));
  EXPECT_EQ(summary(dom, "lanes-shown"), std::to_string(tl.lanes.size())) << "every lane is drawn, in its group's row";
  EXPECT_EQ(summary(dom, "lanes-drawn"), std::to_string(tl.lanes.size()));
  EXPECT_GT(std::stoi("0" + summary(dom, "drawn")), 0);
  // Both controls: only groups with a busy core keep a row.
  const std::string both = dump_dom(path, "#collapse=1&hide-idle=1");
  std::vector<char> group_busy(groups, 0);
  for (const auto& r : tl.rows())
    if (tl.lanes[r.lane].group >= 0) group_busy[static_cast<std::size_t>(tl.lanes[r.lane].group)] = 1;
  const auto busy_groups = static_cast<std::size_t>(std::count(group_busy.begin(), group_busy.end(), 1));
  EXPECT_EQ(summary(both, "lane-tracks"), std::to_string(busy_groups + other_lanes));
}

TEST_F(BrowserTest, SlicesGetLabelsOnceWideEnoughAtTheCurrentZoom) {
  std::mt19937 rng(5);
  const Graph g = test::random_graph(rng, 300);
  const Timeline tl = test::sim_like_timeline(g, 2);
  const std::string path = write(g, tl);
  const TimelineRow r = tl.rows()[tl.rows().size() / 2];
  // Zoomed to one row's run time, that slice spans the plot: it must carry its label.
  const std::string zoomed = dump_dom(path, "#window=" + std::to_string(r.start_ns) + "-" + std::to_string(r.end_ns));
  ASSERT_FALSE(zoomed.empty());
  const int labels_zoomed = std::stoi("0" + summary(zoomed, "labels"));
  EXPECT_GE(labels_zoomed, 1);
  // The whole run at once: ~1000 px for the makespan of 300 tasks on 2 groups, so a
  // 1 us slice is a few pixels wide and unlabelled.
  const std::string whole = dump_dom(path, "");
  const int labels_whole = std::stoi("0" + summary(whole, "labels"));
  const int drawn_whole = std::stoi("0" + summary(whole, "drawn"));
  EXPECT_LT(labels_whole, drawn_whole);
}

TEST_F(BrowserTest, LegendNamesEveryCounterInTheColourOfItsCoreType) {
  const Graph g = test::mixed_kind_graph();
  const Timeline tl = test::sim_like_timeline(g);
  const std::string dom = dump_dom(write(g, tl), "");
  ASSERT_FALSE(dom.empty());
  auto legend_colour = [&dom](const std::string& counter) {
    const std::regex item("<span class=\"legend-item\" data-color=\"([^\"]*)\" data-counter=\"" + counter + "\">");
    std::smatch m;
    return std::regex_search(dom, m, item) ? m[1].str() : std::string("missing");
  };
  const std::string cube = "#fd8d3c", vector = "#6baed6", mix = "#9e9ac8";
  EXPECT_EQ(legend_colour("idle AIC"), cube) << "idle AIC was drawn in the MIX colour";
  EXPECT_EQ(legend_colour("idle AIV"), vector);
  EXPECT_NE(legend_colour("idle AIC"), mix);
  EXPECT_NE(dom.find("scheduler dispatch"), std::string::npos);
}

}  // namespace
