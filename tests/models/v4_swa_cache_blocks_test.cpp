// V4 SWA: the paged cache's BLOCKS is a property of the input. Any BLOCKS >= 1 runs (1, 17
// and the demo's count here), on the graph and on the golden path; a valid-prefix row outside
// [-1, BLOCKS·128) is a clear error naming token and slot; rows past a token's valid prefix
// are never read nor judged; --inputs takes BLOCKS from ori_kv.npy.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "models/deepseek_v4/demo_inputs.hpp"
#include "models/deepseek_v4/swa_golden.hpp"
#include "models/deepseek_v4/swa_run.hpp"
#include "runtime/error.hpp"
#include "runtime/npy.hpp"
#include "scheduler/host_executor.hpp"

namespace {

using namespace tg::models::deepseek_v4;
using tg::models::ModelOptions;

ModelOptions small_options() {
  ModelOptions o;
  o.config = "small";
  return o;
}

std::unique_ptr<SwaAttentionRun> make_run(std::int64_t blocks) {
  auto run = SwaAttentionRun::make(small_options(), 0, blocks);
  run->graph().verify();
  return run;
}

std::int32_t* indices_of(const SwaAttentionRun& run) { return run.tensor("swa_indices").data_as<std::int32_t>(); }
std::int32_t len_of(const SwaAttentionRun& run, std::int64_t t) { return run.tensor("swa_lens").data_as<std::int32_t>()[t]; }

bool same_bytes(const tg::Tensor& a, const tg::Tensor& b) {
  return a.bytes() == b.bytes() && std::memcmp(a.data(), b.data(), a.bytes()) == 0;
}

void run_and_expect_pass(SwaAttentionRun& run) {
  run.validate_inputs();
  run.run(tg::HostExecutor{2});
  const auto report = run.check();
  EXPECT_TRUE(report.pass()) << "first diverging stage " << report.first_diverging_stage().value_or("-");
}

// Copies every input of `from` into `to`; ori_kv's first blocks in common, the rest of a larger
// cache filled with rows no index names.
void copy_inputs(const SwaAttentionRun& from, SwaAttentionRun& to) {
  for (const auto& buffer : from.graph().buffers()) {
    if (buffer->role() != tg::Role::Input && buffer->role() != tg::Role::Weight) continue;
    const auto& src = from.tensor(buffer->name());
    const auto& dst = to.tensor(buffer->name());
    if (buffer->name() == "ori_kv") {
      std::memset(dst.data(), 0x3f, dst.bytes());  // bf16 0x3f3f ~ 0.75: wrong if ever gathered
      std::memcpy(dst.data(), src.data(), std::min(src.bytes(), dst.bytes()));
    } else {
      ASSERT_EQ(src.bytes(), dst.bytes()) << buffer->name();
      std::memcpy(dst.data(), src.data(), src.bytes());
    }
  }
  to.inputs_bound();
}

TEST(V4SwaCacheBlocks, DefaultIsTheGeneratorsCount) {
  auto implicit = make_run(0), explicit_count = make_run(swa_cache_blocks(implicit->config()));
  EXPECT_EQ(implicit->tensor("ori_kv").shape(), (tg::Shape{swa_cache_blocks(implicit->config()), 128, 1, 512}));
  implicit->generate_inputs(4);
  explicit_count->generate_inputs(4);
  run_and_expect_pass(*implicit);
  run_and_expect_pass(*explicit_count);
  EXPECT_TRUE(same_bytes(implicit->tensor("attn_out"), explicit_count->tensor("attn_out")));
}

// A cache of 17 blocks holding the default inputs' rows in its first blocks: the graph and the
// golden give exactly what the default cache gives.
TEST(V4SwaCacheBlocks, SeventeenBlocksGiveTheSameAnswerAsTheDefaultCache) {
  auto base = make_run(0);
  ASSERT_LT(swa_cache_blocks(base->config()), 17);
  base->generate_inputs(4);
  run_and_expect_pass(*base);
  auto big = make_run(17);
  EXPECT_EQ(big->tensor("ori_kv").shape()[0], 17);
  copy_inputs(*base, *big);
  run_and_expect_pass(*big);
  EXPECT_TRUE(same_bytes(base->tensor("o"), big->tensor("o")));
  EXPECT_TRUE(same_bytes(base->tensor("attn_out"), big->tensor("attn_out")));
  EXPECT_EQ(swa_o_golden(big->config(), swa_inputs_view(big->tensors())),
            swa_o_golden(base->config(), swa_inputs_view(base->tensors())));
}

// One block: the generator lets requests share it; every valid row is below 128 while stale
// rows past the prefixes are not, and are never read.
TEST(V4SwaCacheBlocks, OneBlockRunsAndPasses) {
  auto run = make_run(1);
  EXPECT_EQ(run->tensor("ori_kv").shape()[0], 1);
  run->generate_inputs(4);
  const auto W = run->config().dims.window;
  for (std::int64_t t = 0; t < run->config().tokens(); ++t)
    for (std::int64_t j = 0; j < std::min<std::int64_t>(len_of(*run, t), W); ++j)
      ASSERT_LT(indices_of(*run)[t * W + j], 128) << t << ", " << j;
  run_and_expect_pass(*run);
  // The golden path read the one block (its o is not all zero rows).
  const auto o = swa_o_golden(run->config(), swa_inputs_view(run->tensors()));
  EXPECT_TRUE(std::any_of(o.begin(), o.end(), [](float v) { return v != 0.0f; }));
}

// Past a token's valid prefix anything may sit: rows beyond the cache and below -1 are neither
// refused nor gathered, and the outputs stay what they were.
TEST(V4SwaCacheBlocks, EntriesPastTheValidPrefixAreNeverReadNorJudged) {
  for (std::int64_t blocks : {std::int64_t{1}, std::int64_t{17}, std::int64_t{0}}) {
    SCOPED_TRACE(blocks);
    auto clean = make_run(blocks), dirty = make_run(blocks);
    clean->generate_inputs(5);
    dirty->generate_inputs(5);
    const auto W = clean->config().dims.window;
    int written = 0;
    for (std::int64_t t = 0; t < dirty->config().tokens(); ++t)
      for (std::int64_t j = len_of(*dirty, t); j < W; ++j, ++written)
        indices_of(*dirty)[t * W + j] = (j % 2) ? (1 << 30) : -7;
    ASSERT_GT(written, 0);
    run_and_expect_pass(*clean);
    run_and_expect_pass(*dirty);
    EXPECT_TRUE(same_bytes(clean->tensor("attn_out"), dirty->tensor("attn_out")));
  }
}

// A valid-prefix row outside [-1, BLOCKS·128): refused before the run naming token and slot,
// refused by the gather kernel if run anyway, refused by the golden.
TEST(V4SwaCacheBlocks, ValidSlotOutsideTheCacheIsAClearErrorOnEveryPath) {
  for (std::int64_t blocks : {std::int64_t{1}, std::int64_t{17}, std::int64_t{0}}) {
    SCOPED_TRACE(blocks);
    auto run = make_run(blocks);
    run->generate_inputs(4);
    const auto rows = swa_cache_blocks(run->config()) * 128;
    const auto W = run->config().dims.window;
    ASSERT_GT(len_of(*run, 2), 5);  // token 2 has 8 valid slots
    for (std::int64_t bad : {rows, std::int64_t{-2}}) {
      SCOPED_TRACE(bad);
      indices_of(*run)[2 * W + 5] = static_cast<std::int32_t>(bad);
      try {
        run->validate_inputs();
        ADD_FAILURE() << "validate_inputs accepted swa_indices[2, 5] = " << bad;
      } catch (const tg::ConfigError& e) {
        const std::string text = e.what();
        EXPECT_NE(text.find("swa_indices[2, 5] = " + std::to_string(bad)), std::string::npos) << text;
        EXPECT_NE(text.find("token 2, slot 5"), std::string::npos) << text;
        EXPECT_NE(text.find("[-1, " + std::to_string(rows) + ")"), std::string::npos) << text;
        EXPECT_EQ(e.context().buffer, "swa_indices");
      }
      try {
        run->run(tg::HostExecutor{2});
        ADD_FAILURE() << "the graph gathered swa_indices[2, 5] = " << bad;
      } catch (const tg::KernelError& e) {
        EXPECT_NE(std::string(e.what()).find("token 2, slot 5"), std::string::npos) << e.what();
      }
      EXPECT_THROW(swa_o_golden(run->config(), swa_inputs_view(run->tensors())), tg::ConfigError);
      EXPECT_THROW(swa_o_untiled_fp32(run->config(), swa_inputs_view(run->tensors())), tg::ConfigError);
    }
    indices_of(*run)[2 * W + 5] = -1;  // -1 is a hole, always allowed
    EXPECT_NO_THROW(run->validate_inputs());
  }
}

TEST(V4SwaCacheBlocks, InputsFolderGivesTheBlockCount) {
  const auto dir = std::filesystem::temp_directory_path() / ("tg_swa_blocks_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "inputs");
  auto base = make_run(17);
  base->generate_inputs(4);
  tg::write_npy(dir / "inputs" / "ori_kv.npy", base->tensor("ori_kv"));
  ModelOptions options = small_options();
  options.inputs_dir = dir;
  EXPECT_EQ(SwaAttentionRun::make(options)->tensor("ori_kv").shape()[0], 17);
  // A header that claims more than the file holds is refused before the graph's tensors are
  // allocated from it.
  const auto file = dir / "inputs" / "ori_kv.npy";
  std::filesystem::resize_file(file, std::filesystem::file_size(file) / 2);
  try {
    SwaAttentionRun::make(options);
    ADD_FAILURE() << "a truncated ori_kv.npy was accepted";
  } catch (const tg::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("data truncated"), std::string::npos) << e.what();
  }
  // An empty cache has no rows at all: refused naming the file, before anything is built.
  const std::vector<std::uint16_t> none;
  tg::write_npy(dir / "inputs" / "ori_kv.npy", tg::BF16, {0, 128, 1, 512}, none.data());
  try {
    SwaAttentionRun::make(options);
    ADD_FAILURE() << "a cache of 0 blocks was accepted";
  } catch (const tg::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("ori_kv holds 0 cache blocks"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SwaAttentionRun::make(small_options(), 0, kMaxCacheBlocks + 1), tg::ConfigError);
  std::filesystem::remove_all(dir);
}

}  // namespace
