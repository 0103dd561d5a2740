// Tile sweeps end to end on the model scopes (tuning/sweep/): the V4 qkv scope over two tile
// parameters lists every valid combination once and the refused ones with their reasons (the
// exact sets), best first, each row's makespan the one a direct simulation gives; jitter
// spreads, every strategy, the JSON keys, the HTML page, and the host sweep on small dims.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "models/common/registry.hpp"
#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "tuning/sweep/sweep_host.hpp"
#include "tuning/sweep/sweep_html.hpp"
#include "tuning/sweep/sweep_report.hpp"
#include "tuning/sweep/sweep_sim.hpp"

namespace {

using namespace tg::tuning;

// q_lora_tile 512 does not divide the small config's q_lora_rank 256 (config validation);
// q_rope_heads 8 puts 8 heads' fp32 rows in one q_head_norm block, over a2a3's 184 KiB UB
// (the capacity rule). Valid: q_lora_tile 64, 128, 256 with q_rope_heads 4.
SweepRequest qkv_request() {
  SweepRequest request;
  request.model = "v4-qkv-proj-rope";
  request.options.config = "small";
  const auto params = tg::models::find_model(request.model).tiles(request.options);
  request.axes = parse_axes({"q_lora_tile=64,128,256,512", "q_rope_heads=4,8"}, params, request.model);
  return request;
}

std::set<std::string> row_settings(const SweepResult& result) {
  std::set<std::string> texts;
  for (const auto& row : result.rows) texts.insert(setting_text(row.setting) + " " + row.strategy);
  return texts;
}

TEST(Sweep, ListsEveryValidCombinationOnceAndTheRefusedWithTheirReasons) {
  const auto result = sweep_on_simulator(qkv_request(), {});
  EXPECT_EQ(result.combinations, 8u);
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(row_settings(result), (std::set<std::string>{"q_lora_tile=64 q_rope_heads=4 fifo", "q_lora_tile=128 q_rope_heads=4 fifo",
                                                        "q_lora_tile=256 q_rope_heads=4 fifo"}));
  ASSERT_EQ(result.refused.size(), 5u);
  std::vector<std::pair<std::string, std::string>> refused;  // in combination order
  for (const auto& r : result.refused) refused.emplace_back(setting_text(r.setting), r.reason);
  const std::vector<std::string> expected{"q_lora_tile=64 q_rope_heads=8", "q_lora_tile=128 q_rope_heads=8",
                                          "q_lora_tile=256 q_rope_heads=8", "q_lora_tile=512 q_rope_heads=4",
                                          "q_lora_tile=512 q_rope_heads=8"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(refused[i].first, expected[i]);
    const auto& reason = refused[i].second;
    if (i < 3) {
      EXPECT_EQ(reason.rfind("capacity: 1 task is over its on-chip buffer; first: q_head_norm", 0), 0u) << reason;
      EXPECT_NE(reason.find("AIV unified buffer"), std::string::npos) << reason;
    } else {
      EXPECT_EQ(reason.rfind("config: ", 0), 0u) << reason;
      EXPECT_NE(reason.find("q_lora_rank = 256 is not a multiple of Q_LORA_TILE = 512"), std::string::npos) << reason;
    }
  }
}

TEST(Sweep, RowsComeBestFirstWithTheMakespanOfADirectSimulation) {
  const auto request = qkv_request();
  const auto result = sweep_on_simulator(request, {});
  ASSERT_EQ(result.rows.size(), 3u);
  for (std::size_t i = 1; i < result.rows.size(); ++i) EXPECT_LE(result.rows[i - 1].makespan_ns, result.rows[i].makespan_ns);
  // Fewer, larger qr_proj tiles save dispatches here: the configurations differ.
  EXPECT_LT(result.rows.front().makespan_ns, result.rows.back().makespan_ns);
  const auto& entry = tg::models::find_model(request.model);
  const tg::SimExecutor sim(tg::load_machine("a2a3"));
  for (const auto& row : result.rows) {
    const auto graph = entry.graph(options_for(request, row.setting));
    EXPECT_EQ(row.makespan_ns, sim.simulate(graph).timeline.makespan_ns) << setting_text(row.setting);
    EXPECT_EQ(row.tasks, graph.num_tasks());
    std::int64_t blocks = 0;
    for (const auto& task : graph.tasks()) blocks += task.block_num;
    EXPECT_EQ(row.blocks, blocks);
    EXPECT_FALSE(row.bound_by.empty());
  }
}

TEST(Sweep, JitterGivesTheMeanAndSpreadOverSeedsForEveryStrategy) {
  SimSweepOptions options;
  options.strategies = tg::strategy_names();
  options.strategy_label = "all";
  options.jitter = 7;
  options.seeds = 3;
  const auto result = sweep_on_simulator(qkv_request(), options);
  EXPECT_EQ(result.strategy, "all");
  ASSERT_EQ(result.rows.size(), 3 * tg::strategy_names().size());
  EXPECT_EQ(row_settings(result).size(), result.rows.size());  // each (configuration, strategy) once
  for (const auto& row : result.rows) {
    ASSERT_TRUE(row.spread);
    EXPECT_EQ(row.spread->count, 3);
    EXPECT_LE(row.spread->min_ns, row.spread->mean_ns);
    EXPECT_LE(row.spread->mean_ns, row.spread->max_ns);
    EXPECT_EQ(row.makespan_ns, static_cast<std::int64_t>(row.spread->mean_ns + 0.5));
  }
  // Deterministic: the same seeds give the same table.
  const auto again = sweep_on_simulator(qkv_request(), options);
  for (std::size_t i = 0; i < result.rows.size(); ++i) EXPECT_EQ(again.rows[i].makespan_ns, result.rows[i].makespan_ns);
}

TEST(Sweep, JsonHasTheStableKeys) {
  const auto result = sweep_on_simulator(qkv_request(), {});
  const auto j = nlohmann::json::parse(sweep_json(result));
  for (const char* key : {"model", "base", "executor", "machine", "strategy", "jitter", "seeds", "threads", "combinations", "rows",
                          "refused", "cpu_seconds"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["model"], "v4-qkv-proj-rope");
  EXPECT_EQ(j["machine"], "a2a3");
  EXPECT_EQ(j["strategy"], "fifo");
  ASSERT_EQ(j["rows"].size(), 3u);
  for (const auto& row : j["rows"]) {
    for (const char* key : {"config", "strategy", "makespan_ns", "tasks", "edges", "blocks", "bound_by", "spread", "golden_pass"})
      EXPECT_TRUE(row.contains(key)) << key;
    EXPECT_TRUE(row["config"].contains("q_lora_tile"));
    EXPECT_TRUE(row["config"].contains("q_rope_heads"));
  }
  EXPECT_EQ(j["rows"][0]["makespan_ns"], result.rows[0].makespan_ns);
  ASSERT_EQ(j["refused"].size(), 5u);
  EXPECT_EQ(j["refused"][3]["config"]["q_lora_tile"], 512);
  EXPECT_EQ(j["refused"][3]["reason"].get<std::string>().rfind("config: ", 0), 0u);
}

TEST(Sweep, HtmlChartHasABarPerRowAndTheRefusedList) {
  SimSweepOptions options;
  options.jitter = 1;
  options.seeds = 2;
  const auto result = sweep_on_simulator(qkv_request(), options);
  std::ostringstream page;
  write_sweep_html(result, page);
  const std::string html = page.str();
  std::size_t bars = 0, whiskers = 0;
  for (auto at = html.find("<g class=\"row\""); at != std::string::npos; at = html.find("<g class=\"row\"", at + 1)) ++bars;
  for (auto at = html.find("class=\"whisker\""); at != std::string::npos; at = html.find("class=\"whisker\"", at + 1)) ++whiskers;
  EXPECT_EQ(bars, 3u);
  EXPECT_EQ(whiskers, 3u);
  EXPECT_NE(html.find("data-combinations=\"8\" data-rows=\"3\" data-refused=\"5\""), std::string::npos);
  EXPECT_NE(html.find("q_lora_tile=512 q_rope_heads=8"), std::string::npos);
  // Self-contained: nothing to fetch.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  std::ostringstream same;
  write_sweep_html(result, same);
  EXPECT_EQ(same.str(), html);
}

// The host tiling of V3.2 scope 1 (small): host_q_out_tile 100 does not divide 768 columns.
TEST(Sweep, HostSweepTimesAndChecksEveryCombination) {
  SweepRequest request;
  request.model = "v32-decode-scope1";
  request.options.config = "small";
  request.options.mode = "host";
  const auto params = tg::models::find_model(request.model).tiles(request.options);
  request.axes = parse_axes({"host_q_out_tile=96,100,192"}, params, request.model);
  const auto result = sweep_on_host(request, {.threads = 2, .reps = 3});
  EXPECT_EQ(result.executor, "host");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(row_settings(result), (std::set<std::string>{"host_q_out_tile=96 host", "host_q_out_tile=192 host"}));
  for (const auto& row : result.rows) {
    ASSERT_TRUE(row.golden_pass);
    EXPECT_TRUE(*row.golden_pass) << setting_text(row.setting);
    ASSERT_TRUE(row.spread);
    EXPECT_EQ(row.spread->count, 3);
    EXPECT_GE(row.makespan_ns, row.spread->min_ns);
    EXPECT_LE(row.makespan_ns, row.spread->max_ns);
  }
  // Narrower tiles: more q_head_proj blocks.
  const auto& narrow = setting_text(result.rows[0].setting) == "host_q_out_tile=96" ? result.rows[0] : result.rows[1];
  const auto& wide = &narrow == &result.rows[0] ? result.rows[1] : result.rows[0];
  EXPECT_GT(narrow.blocks, wide.blocks);
  ASSERT_EQ(result.refused.size(), 1u);
  EXPECT_NE(result.refused[0].reason.find("HOST_Q_OUT_TILE = 100"), std::string::npos) << result.refused[0].reason;
  const auto j = nlohmann::json::parse(sweep_json(result));
  EXPECT_EQ(j["rows"][0]["golden_pass"], true);
  EXPECT_EQ(j["threads"], 2);
}

}  // namespace
