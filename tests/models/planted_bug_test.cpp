// One planted-bug mechanism for every model: names parse to the enum, "" and "none" are no
// bug, an unknown name is a ConfigError listing the model's bugs, and the registry lists
// exactly the names the parser takes.
#include "models/common/planted_bug.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "models/common/registry.hpp"
#include "models/deepseek_v3_2/scope1.hpp"
#include "models/deepseek_v4/qkv_proj_rope.hpp"
#include "models/deepseek_v4/swa_attention.hpp"

namespace {

using namespace tg::models;
namespace v32 = tg::models::deepseek_v3_2;
namespace v4 = tg::models::deepseek_v4;

TEST(PlantedBug, NamesParseToTheEnumAndUnknownOnesListTheBugs) {
  EXPECT_EQ(v32::parse_scope1_bug(""), v32::Scope1Bug::none);
  EXPECT_EQ(v32::parse_scope1_bug("none"), v32::Scope1Bug::none);
  EXPECT_EQ(v32::parse_scope1_bug("skip-q-proj"), v32::Scope1Bug::skip_q_proj);
  EXPECT_EQ(v4::parse_qkv_bug("half-split-rope"), v4::QkvBug::half_split_rope);
  try {
    v32::parse_scope1_bug("skip_q_proj");
    FAIL() << "an unknown name must throw";
  } catch (const tg::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("v32-decode-scope1: unknown bug 'skip_q_proj'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rmsnorm-variance, skip-q-proj"), std::string::npos) << e.what();
  }
  try {
    v4::parse_swa_bug("anything");
    FAIL() << "SWA has no bug to plant";
  } catch (const tg::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("this model has none"), std::string::npos) << e.what();
  }
}

TEST(PlantedBug, TheRegistryListsWhatTheParserTakes) {
  for (const ModelEntry& m : model_registry()) {
    for (const std::string& bug : m.bugs) {
      ModelOptions options;
      options.config = "small";
      options.plant_bug = bug;
      options.lint = tg::Lint::Off;
      EXPECT_NO_THROW(m.make(options)) << m.name << " --plant-bug " << bug;
    }
    ModelOptions unknown;
    unknown.config = "small";
    unknown.plant_bug = "no-such-bug";
    EXPECT_THROW(m.make(unknown), tg::ConfigError) << m.name;
  }
  const auto& v32_entry = find_model("v32-decode-scope1");
  EXPECT_EQ(v32_entry.bugs, (std::vector<std::string>{"rmsnorm-variance", "skip-q-proj"}));
}

}  // namespace
