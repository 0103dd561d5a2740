// ModelRun around any model (here V3.2 scope 1, small config): the dump folder (manifest,
// replaced whole, refused over a folder that is not a dump, safe under concurrent dumps)
// and the inputs judged before a run (NaN / Inf named by tensor and element, range rules).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "models/common/input_checks.hpp"
#include "models/common/model_run.hpp"
#include "models/deepseek_v3_2/scope1_run.hpp"
#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"

namespace {

namespace fs = std::filesystem;
using tg::models::DumpManifest;
using tg::models::ModelOptions;
using tg::models::deepseek_v3_2::Scope1Run;

std::unique_ptr<Scope1Run> small_run(std::uint64_t seed) {
  ModelOptions o;
  o.config = "small";
  auto run = Scope1Run::make(o);
  run->generate_inputs(seed);
  run->validate_inputs();
  run->run(tg::HostExecutor{1});
  return run;
}

fs::path fresh(const std::string& name) {
  const auto dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Every file under `dir`, relative to it.
std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.insert(fs::relative(e.path(), dir).string());
  return files;
}

std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

DumpManifest manifest(std::uint64_t seed) {
  DumpManifest m;
  m.model = "v32-decode-scope1";
  m.config = "small";
  m.seed = seed;
  return m;
}

TEST(ModelRunDump, WritesAManifestAndReplacesAnEarlierDumpWhole) {
  const auto root = fresh("model_run_dump_replace");
  const auto dir = root / "dump";
  auto run = small_run(3);
  run->dump(dir, manifest(3));
  const auto first_files = files_under(dir);
  EXPECT_TRUE(first_files.count("manifest.json"));
  EXPECT_TRUE(first_files.count("inputs/hidden_states.npy"));
  EXPECT_TRUE(first_files.count("outputs/kv_cache.npy"));
  std::ifstream in(dir / "manifest.json");
  const auto m = nlohmann::json::parse(in);
  EXPECT_EQ(m.at("format"), "tilegraph-dump");
  EXPECT_EQ(m.at("model"), "v32-decode-scope1");
  EXPECT_EQ(m.at("config"), "small");
  EXPECT_EQ(m.at("seed"), 3u);
  EXPECT_FALSE(m.at("tilegraph_version").get<std::string>().empty());
  EXPECT_EQ(m.at("utc_time").get<std::string>().back(), 'Z');

  std::ofstream(dir / "staging" / "stale.npy") << "from another run";
  run->dump(dir, manifest(3));
  EXPECT_EQ(files_under(dir), first_files) << "a dump replaces the earlier one whole";
  EXPECT_EQ(std::distance(fs::directory_iterator(root), fs::directory_iterator()), 1) << "no temporary left";
}

TEST(ModelRunDump, InputsReadFromAFolderCanBeDumpedBackIntoIt) {
  const auto dir = fresh("model_run_dump_inputs") / "dump";
  auto first = small_run(5);
  first->dump(dir, manifest(5));
  ModelOptions o;
  o.config = "small";
  auto second = Scope1Run::make(o);
  second->load_inputs(dir);
  second->run(tg::HostExecutor{1});
  second->dump(dir, manifest(5));
  auto third = Scope1Run::make(o);
  third->load_inputs(dir);
  third->run(tg::HostExecutor{1});
  for (const char* name : {"q_pe_out", "kv_cache"})
    EXPECT_TRUE(first->tensor(name).same_bytes(third->tensor(name))) << name;
}

TEST(ModelRunDump, RefusesAFolderThatIsNotADumpUnlessForced) {
  const auto dir = fresh("model_run_dump_foreign");
  std::ofstream(dir / "thesis.tex") << "keep me";
  auto run = small_run(1);
  const auto text = what_of([&] { run->dump(dir, manifest(1)); });
  EXPECT_NE(text.find("is a non-empty folder that is not a tilegraph dump (no manifest.json)"), std::string::npos) << text;
  EXPECT_NE(text.find("--force"), std::string::npos) << text;
  EXPECT_THROW(Scope1Run::check_dump_target(dir, false), tg::ConfigError);
  EXPECT_TRUE(fs::exists(dir / "thesis.tex"));
  run->dump(dir, manifest(1), /*force=*/true);
  EXPECT_FALSE(fs::exists(dir / "thesis.tex")) << "--force replaces the folder whole";
  EXPECT_TRUE(fs::exists(dir / "manifest.json"));
  // An empty folder, or a new one under new parents, needs no --force.
  const auto empty = fresh("model_run_dump_empty");
  run->dump(empty, manifest(1));
  run->dump(empty / "a" / "b", manifest(1));
  EXPECT_TRUE(fs::exists(empty / "a" / "b" / "manifest.json"));
}

TEST(ModelRunDump, AFileInTheWayIsAnIoErrorBeforeAnythingIsWritten) {
  const auto root = fresh("model_run_dump_file");
  std::ofstream(root / "plain") << "x";
  EXPECT_THROW(Scope1Run::check_dump_target(root / "plain", true), tg::IoError);
  const auto text = what_of([&] { Scope1Run::check_dump_target(root / "plain" / "sub" / "dump", false); });
  EXPECT_NE(text.find("is a file, so no folder can be made under it"), std::string::npos) << text;
  auto run = small_run(1);
  EXPECT_THROW(run->dump(root / "plain" / "dump", manifest(1)), tg::IoError);
}

// Two runs dumping into one folder at once: the folder is always one dump whole.
TEST(ModelRunDump, ConcurrentDumpsLeaveOneWholeDump) {
  const auto root = fresh("model_run_dump_concurrent");
  const auto dir = root / "dump";
  auto a = small_run(1), b = small_run(2);
  a->dump(dir, manifest(1));
  const auto expected = files_under(dir);
  auto dump_many = [&](const Scope1Run& run, std::uint64_t seed) {
    for (int i = 0; i < 4; ++i) run.dump(dir, manifest(seed));
  };
  std::thread ta(dump_many, std::cref(*a), 1), tb(dump_many, std::cref(*b), 2);
  ta.join();
  tb.join();
  EXPECT_EQ(files_under(dir), expected);
  EXPECT_EQ(std::distance(fs::directory_iterator(root), fs::directory_iterator()), 1) << "no temporary left";
  // Inputs and outputs are from the same run: the seed the manifest names.
  std::ifstream in(dir / "manifest.json");
  const auto seed = nlohmann::json::parse(in).at("seed").get<std::uint64_t>();
  ModelOptions o;
  o.config = "small";
  auto check = Scope1Run::make(o);
  check->load_inputs(dir);
  const auto& same = seed == 1 ? *a : *b;
  EXPECT_TRUE(check->tensor("hidden_states").same_bytes(same.tensor("hidden_states")));
}

TEST(InputChecks, NonFiniteInputsAreNamedByTensorAndElement) {
  ModelOptions o;
  o.config = "small";
  auto run = Scope1Run::make(o);
  run->generate_inputs(1);
  const auto& hidden = run->tensor("hidden_states");
  ASSERT_EQ(hidden.shape().size(), 2u);
  const std::int64_t cols = hidden.shape()[1];
  const std::int64_t at = cols + 7;  // [1, 7]
  const auto elem = static_cast<std::int64_t>(tg::size_of(hidden.dtype()));
  const std::uint16_t nan_bf16 = 0x7FC0;
  ASSERT_EQ(hidden.dtype(), tg::BF16);
  std::memcpy(hidden.data() + at * elem, &nan_bf16, 2);
  const auto text = what_of([&] { run->validate_inputs(); });
  EXPECT_NE(text.find("input tensor hidden_states[1, 7] (element " + std::to_string(at)), std::string::npos) << text;
  EXPECT_NE(text.find("is NaN"), std::string::npos) << text;
  EXPECT_NE(text.find("--allow-nonfinite"), std::string::npos) << text;
  EXPECT_THROW(run->validate_inputs(), tg::ConfigError);
  run->validate_inputs({.allow_nonfinite = true});

  tg::Tensor f("f", tg::FP32, {3, 4});
  tg::models::check_finite(f);
  f.data_as<float>()[11] = -INFINITY;
  EXPECT_NE(what_of([&] { tg::models::check_finite(f); }).find("f[2, 3] (element 11 of 12) is -Inf"), std::string::npos);
  tg::Tensor h("h", tg::FP16, {2});
  const std::uint16_t inf_fp16 = 0x7C00;
  std::memcpy(h.data() + 2, &inf_fp16, 2);
  EXPECT_NE(what_of([&] { tg::models::check_finite(h); }).find("h[1] (element 1 of 2) is +Inf"), std::string::npos);
}

TEST(InputChecks, RangeRulesNameTheElementAndTheRange) {
  tg::Tensor idx("idx", tg::INT32, {2, 3});
  for (int i = 0; i < 6; ++i) idx.data_as<std::int32_t>()[i] = i - 1;
  const tg::models::InputRange rule{"idx", -1, 4, "[-1, 5)", "rows of the cache"};
  tg::models::check_range(idx, rule);
  idx.data_as<std::int32_t>()[5] = 5;
  EXPECT_EQ(what_of([&] { tg::models::check_range(idx, rule); }), "input tensor idx[1, 2] = 5 is outside [-1, 5); rows of the cache");
  EXPECT_THROW(tg::models::check_range(tg::Tensor("x", tg::FP32, {1}), rule), tg::Error);
  EXPECT_EQ(tg::models::index_text({4, 5, 6}, 5 * 6 + 6 + 2), "[1, 1, 2]");
}

}  // namespace
