// Lint on the real model scopes: each lints clean at its own tiling, and the planted fault
// of seed 001 (q_proj never computed) is caught by the right rule. Small configs only.
#include <gtest/gtest.h>

#include "models/deepseek_v3_2/scope1.hpp"
#include "models/deepseek_v4/config.hpp"
#include "models/deepseek_v4/qkv_proj_rope.hpp"
#include "models/deepseek_v4/swa_attention.hpp"
#include "tasks/lint.hpp"

namespace {

using namespace tg;
namespace v32 = tg::models::deepseek_v3_2;
namespace v4 = tg::models::deepseek_v4;

std::string all_text(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.to_string();
  return s;
}

Graph v32_scope1(bool skip_q_proj) {
  Scope s{"v32_decode_scope1"};
  const auto config = v32::Scope1Config::small();
  const auto tensors = v32::Scope1Tensors::declare(s, config);
  v32::build_scope1(s, config, tensors, skip_q_proj ? v32::Scope1Bug::skip_q_proj : v32::Scope1Bug::none);
  return s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
}

TEST(LintModels, DeepSeekV32Scope1IsClean) {
  LintOptions options;
  options.machine = load_machine("a2a3");
  const auto ds = lint(v32_scope1(false), options);
  EXPECT_TRUE(ds.empty()) << all_text(ds);
}

TEST(LintModels, DeepSeekV32SkippedQProjIsReadBeforeWrite) {
  const auto ds = lint(v32_scope1(true));
  ASSERT_EQ(ds.size(), 1u) << all_text(ds);
  EXPECT_EQ(ds[0].rule, "read-before-write");
  EXPECT_EQ(ds[0].buffer, "q_proj");
}

TEST(LintModels, DeepSeekV4ScopesAreClean) {
  const auto config = v4::make_config("flash", v4::Mode::Decode, /*small=*/true);
  Scope qkv{"v4_qkv"};
  v4::build_qkv_proj_rope(qkv, config, v4::QkvTensors::declare(qkv, config));
  auto ds = lint(qkv.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  EXPECT_TRUE(ds.empty()) << all_text(ds);
  Scope swa{"v4_swa"};
  v4::build_swa_attention(swa, config, v4::SwaTensors::declare(swa, config));
  ds = lint(swa.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off}));
  EXPECT_TRUE(ds.empty()) << all_text(ds);
}

}  // namespace
