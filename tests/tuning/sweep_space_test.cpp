// The space of a tile sweep (tuning/sweep/sweep_space.hpp): --set texts parsed and checked
// against a model's parameters, every malformed one a ConfigError naming --set and what is
// wrong, and the cartesian product in order.
#include <gtest/gtest.h>

#include "runtime/error.hpp"
#include "models/common/registry.hpp"
#include "tuning/sweep/sweep_space.hpp"
#include "tuning/sweep/tile_use.hpp"

namespace {

using tg::models::TileForm;
using tg::models::TileParam;
using tg::tuning::parse_axes;

const std::vector<TileParam> kParams{{"t_tile", 8, TileForm::Positive, "rows"},
                                     {"kv_tile", 64, TileForm::Positive, "cols"},
                                     {"pipeline", 1, TileForm::Flag, "on"}};

// The message of the ConfigError parse_axes throws, which must name --set.
std::string refusal(const std::vector<std::string>& texts) {
  try {
    parse_axes(texts, kParams, "model-x");
  } catch (const tg::ConfigError& e) {
    EXPECT_EQ(e.context().option, "--set");
    return e.what();
  }
  ADD_FAILURE() << "accepted";
  return {};
}

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "'" << text << "' lacks '" << part << "'";
}

TEST(SweepSpace, ParsesAxesInTheOrderGiven) {
  const auto axes = parse_axes({"kv_tile=32,64,128", "pipeline=0,1"}, kParams, "model-x");
  ASSERT_EQ(axes.size(), 2u);
  EXPECT_EQ(axes[0].name, "kv_tile");
  EXPECT_EQ(axes[0].values, (std::vector<std::int64_t>{32, 64, 128}));
  EXPECT_EQ(axes[1].values, (std::vector<std::int64_t>{0, 1}));
}

TEST(SweepSpace, CombinationsAreTheCartesianProductFirstAxisSlowest) {
  const auto all = tg::tuning::combinations(parse_axes({"t_tile=8,16", "kv_tile=32,64,128"}, kParams, "model-x"));
  ASSERT_EQ(all.size(), 6u);
  std::vector<std::string> texts;
  for (const auto& s : all) texts.push_back(tg::tuning::setting_text(s));
  EXPECT_EQ(texts, (std::vector<std::string>{"t_tile=8 kv_tile=32", "t_tile=8 kv_tile=64", "t_tile=8 kv_tile=128",
                                             "t_tile=16 kv_tile=32", "t_tile=16 kv_tile=64", "t_tile=16 kv_tile=128"}));
  EXPECT_EQ(tg::tuning::tile_values(all[5]).at("kv_tile"), 128);
}

TEST(SweepSpace, MalformedSetsAreRefusedWithWhatIsWrong) {
  expect_contains(refusal({"kv_tiles=64"}), "unknown tile parameter 'kv_tiles' of model-x; its tile parameters are t_tile, kv_tile, pipeline");
  expect_contains(refusal({"kv_tile"}), "'kv_tile' is not NAME=v1,v2,...; e.g. --set kv_tile=64");
  expect_contains(refusal({"kv_tile="}), "kv_tile: the list of values is empty");
  expect_contains(refusal({"kv_tile=64,,32"}), "kv_tile: an empty value in '64,,32'");
  expect_contains(refusal({"kv_tile=64,"}), "an empty value");
  expect_contains(refusal({"kv_tile=abc"}), "kv_tile: 'abc' is not an integer; expected an integer from 1 to 1048576");
  expect_contains(refusal({"kv_tile=1.5"}), "'1.5' is not an integer");
  expect_contains(refusal({"kv_tile=0"}), "kv_tile: 0 is out of range; expected an integer from 1 to 1048576");
  expect_contains(refusal({"kv_tile=-64"}), "-64 is out of range");
  expect_contains(refusal({"kv_tile=99999999999999999999"}), "is out of range");
  expect_contains(refusal({"pipeline=2"}), "pipeline: 2 is out of range; expected 0 or 1");
  expect_contains(refusal({"kv_tile=64,32,64"}), "kv_tile: 64 is listed twice");
  expect_contains(refusal({"kv_tile=64", "t_tile=8", "kv_tile=32"}), "kv_tile is given in two --set options");
  expect_contains(refusal({}), "no --set given");
}

TEST(SweepSpace, MoreCombinationsThanTheCapAreRefused) {
  std::string sixteen = "t_tile=1", seventeen = "kv_tile=1";
  for (int v = 2; v <= 16; ++v) sixteen += "," + std::to_string(v);
  for (int v = 2; v <= 17; ++v) seventeen += "," + std::to_string(v);
  EXPECT_EQ(tg::tuning::combinations(parse_axes({sixteen, "kv_tile=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"}, kParams, "m")).size(),
            tg::tuning::kMaxCombinations);  // exactly the cap is allowed
  expect_contains(refusal({sixteen, seventeen}), "the sweep has 272 combinations (16 x 17), more than the cap of 256");
}

// tile_use.hpp: whether a tile acts is judged by building the graph, on the registry's models.
TEST(TileUse, AHostTileActsOnlyInTheHostModes) {
  const auto& v32 = tg::models::find_model("v32-decode-scope1");
  tg::models::ModelOptions options;
  options.config = "small";
  EXPECT_TRUE(tg::tuning::tile_acts(v32, options, "kv_out_tile", {32, 64}));
  EXPECT_FALSE(tg::tuning::tile_acts(v32, options, "host_kv_out_tile", {96, 288}));
  EXPECT_FALSE(tg::tuning::tile_acts(v32, options, "host_kv_out_tile", {96}));  // one value: probed against another
  EXPECT_EQ(tg::tuning::modes_using(v32, options, "host_kv_out_tile", {96, 288}), (std::vector<std::string>{"host", "host-fused"}));
  // A kernel's inner chunk changes no graph in any mode.
  EXPECT_FALSE(tg::tuning::tile_acts(v32, options, "rmsnorm_k", {128, 512}));
  EXPECT_TRUE(tg::tuning::modes_using(v32, options, "rmsnorm_k", {128, 512}).empty());
  options.mode = "host";
  EXPECT_TRUE(tg::tuning::tile_acts(v32, options, "host_kv_out_tile", {96, 288}));
  EXPECT_FALSE(tg::tuning::tile_acts(v32, options, "kv_out_tile", {32, 64}));
  // Values the config refuses leave nothing to judge: the sweep lists the refusals instead.
  EXPECT_TRUE(tg::tuning::tile_acts(v32, options, "host_kv_out_tile", {7}));
}

TEST(TileUse, CheckAxesActRefusesAnUnusedAxisAndNamesTheModes) {
  tg::tuning::SweepRequest request;
  request.model = "v32-decode-scope1";
  request.options.config = "small";
  request.axes = {{"host_kv_out_tile", {96, 288}}};
  try {
    tg::tuning::check_axes_act(request, true);
    FAIL() << "no error";
  } catch (const tg::ConfigError& e) {
    expect_contains(e.what(), "option --set: host_kv_out_tile changes no task of v32-decode-scope1 at --mode staged (the default)");
    expect_contains(e.what(), "it is a tile of --mode host, host-fused (add --mode host)");
  }
  request.axes = {{"rmsnorm_k", {128, 512}}};
  EXPECT_THROW(tg::tuning::check_axes_act(request, true), tg::ConfigError);
  EXPECT_NO_THROW(tg::tuning::check_axes_act(request, false));  // a host run times the kernel
  // An axis that acts for one value of another axis is kept.
  request.options.mode = "host";
  request.axes = {{"spmd_projections", {0, 1}}, {"host_kv_out_tile", {96, 288}}};
  EXPECT_NO_THROW(tg::tuning::check_axes_act(request, true));
}

TEST(SweepSpace, AModelWithoutTilesIsRefused) {
  try {
    parse_axes({"t_tile=8"}, {}, "model-y");
    FAIL();
  } catch (const tg::ConfigError& e) {
    expect_contains(e.what(), "model-y exposes no tile parameters");
  }
}

}  // namespace
