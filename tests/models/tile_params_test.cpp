// A model's tile parameters by name (models/common/tile_params.hpp): listed with their current
// values, applied before the config's validation (which still refuses what does not divide),
// and visible in the graph built; unknown names and values outside the form are ConfigErrors.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/common/registry.hpp"
#include "models/common/tile_params.hpp"
#include "models/deepseek_v3_2/scope1_run.hpp"
#include "models/deepseek_v4/qkv_run.hpp"
#include "runtime/error.hpp"

namespace {

using tg::models::ModelOptions;
using tg::models::TileParam;

const TileParam& param(const std::vector<TileParam>& params, const std::string& name) {
  const auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.name == name; });
  if (it == params.end()) throw std::runtime_error("no tile parameter " + name);
  return *it;
}

int block_num_of(const tg::Graph& graph, const std::string& task) {
  for (const auto& t : graph.tasks())
    if (t.name == task) return t.block_num;
  return -1;
}

ModelOptions small(tg::models::TileValues tiles = {}) {
  ModelOptions options;
  options.config = "small";
  options.tiles = std::move(tiles);
  return options;
}

TEST(TileParams, EveryModelListsItsTilesWithTheirCurrentValues) {
  for (const auto& entry : tg::models::model_registry()) {
    ASSERT_TRUE(entry.tiles) << entry.name;
    ASSERT_TRUE(entry.graph) << entry.name;
    EXPECT_FALSE(entry.tiles(small()).empty()) << entry.name;
  }
  const auto qkv = tg::models::find_model("v4-qkv-proj-rope").tiles(small());
  EXPECT_EQ(param(qkv, "kv_tile").value, 64);
  EXPECT_EQ(param(qkv, "q_lora_tile").value, 256);
  EXPECT_EQ(param(qkv, "qproj_pipeline").value, 1);
  EXPECT_EQ(param(qkv, "qproj_pipeline").form, tg::models::TileForm::Flag);
  // The listing reflects overrides: what a sweep row's configuration was.
  EXPECT_EQ(param(tg::models::find_model("v4-qkv-proj-rope").tiles(small({{"kv_tile", 32}})), "kv_tile").value, 32);
  const auto v32 = tg::models::find_model("v32-decode-scope1").tiles(small());
  EXPECT_EQ(param(v32, "q_out_tile").value, 64);
  EXPECT_EQ(param(v32, "host_q_out_tile").value, 192);
}

// ModelEntry::modes is what `tilegraph` checks --mode against: every listed mode builds, and
// a mode the list leaves out is refused by the model too (the list cannot drift from it).
TEST(TileParams, EveryListedModeBuildsAndAnUnlistedOneIsRefused) {
  for (const auto& entry : tg::models::model_registry()) {
    ASSERT_FALSE(entry.modes.empty()) << entry.name;
    for (const auto& mode : entry.modes) {
      ModelOptions options = small();
      options.mode = mode;
      EXPECT_NO_THROW((void)entry.graph(options)) << entry.name << " --mode " << mode;
    }
    ModelOptions unlisted = small();
    unlisted.mode = "warp";
    EXPECT_THROW((void)entry.graph(unlisted), tg::ConfigError) << entry.name;
  }
}

TEST(TileParams, OverridesReachTheConfigAndTheGraph) {
  using tg::models::deepseek_v4::QkvProjRopeRun;
  EXPECT_EQ(QkvProjRopeRun::config_of(small({{"kv_tile", 128}})).tiles.kv_tile, 128);
  // kv_proj: SPMD over token boxes x HEAD_DIM / KV_TILE column tiles (one token box at decode).
  EXPECT_EQ(block_num_of(QkvProjRopeRun::graph_of(small()), "kv_proj"), 512 / 64);
  EXPECT_EQ(block_num_of(QkvProjRopeRun::graph_of(small({{"kv_tile", 128}})), "kv_proj"), 512 / 128);
  EXPECT_EQ(block_num_of(QkvProjRopeRun::make(small({{"kv_tile", 128}}))->graph(), "kv_proj"), 512 / 128);
  // A flag: the direct K loop has no wq_b_tile loads.
  const auto direct = QkvProjRopeRun::graph_of(small({{"qproj_pipeline", 0}}));
  EXPECT_EQ(block_num_of(direct, "qproj_load_wq_b"), -1);
  EXPECT_GT(block_num_of(QkvProjRopeRun::graph_of(small()), "qproj_load_wq_b"), 0);

  using tg::models::deepseek_v3_2::Scope1Run;
  const auto v32 = Scope1Run::graph_of(small({{"q_out_tile", 128}}));
  EXPECT_EQ(block_num_of(v32, "q_head_proj"), 4 * 192 / 128);
}

TEST(TileParams, TheConfigValidationStillJudgesTheValues) {
  using tg::models::deepseek_v4::QkvProjRopeRun;
  try {
    QkvProjRopeRun::config_of(small({{"q_lora_tile", 512}}));
    FAIL() << "q_lora_tile 512 does not divide q_lora_rank 256";
  } catch (const tg::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("Q_LORA_TILE = 512"), std::string::npos) << e.what();
  }
}

TEST(TileParams, UnknownNamesAndValuesOutsideTheFormAreConfigErrors) {
  using tg::models::deepseek_v4::QkvProjRopeRun;
  try {
    QkvProjRopeRun::config_of(small({{"kv_tiles", 64}}));
    FAIL() << "an unknown name must be refused";
  } catch (const tg::ConfigError& e) {
    const std::string text = e.what();
    EXPECT_NE(text.find("unknown tile parameter 'kv_tiles'"), std::string::npos) << text;
    EXPECT_NE(text.find("kv_tile, "), std::string::npos) << text;  // lists the known names
  }
  EXPECT_THROW(QkvProjRopeRun::config_of(small({{"kv_tile", 0}})), tg::ConfigError);
  EXPECT_THROW(QkvProjRopeRun::config_of(small({{"qproj_pipeline", 2}})), tg::ConfigError);
  EXPECT_THROW(QkvProjRopeRun::config_of(small({{"kv_tile", tg::models::kMaxTileValue + 1}})), tg::ConfigError);
  // V3.2's table is its own: a V4 name is unknown there.
  EXPECT_THROW(tg::models::deepseek_v3_2::Scope1Run::config_of(small({{"kv_tile", 64}})), tg::ConfigError);
}

TEST(TileParams, FormTextsSayWhatIsValid) {
  const TileParam positive{"t", 8, tg::models::TileForm::Positive, ""};
  EXPECT_EQ(positive.form_error(8), "");
  EXPECT_EQ(positive.form_error(0), "0 is out of range; expected an integer from 1 to 1048576");
  const TileParam flag{"f", 1, tg::models::TileForm::Flag, ""};
  EXPECT_EQ(flag.form_error(0), "");
  EXPECT_EQ(flag.form_error(-1), "-1 is out of range; expected 0 or 1");
}

}  // namespace
