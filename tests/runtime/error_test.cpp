// Every error type carries fields a tool can read, and its message is built from them.
// One case per type, each raised where a user meets it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/error.hpp"
#include "runtime/npy.hpp"
#include "runtime/tensor.hpp"

namespace {

using namespace tg;

TEST(ErrorFields, MessageIsBuiltFromTheFields) {
  const ShapeError e(ErrorContext{.scope = "s", .task_id = 3, .task = "proj#3", .arg = 1, .param = "b", .buffer = "w"},
                     "slice out of bounds");
  EXPECT_STREQ(e.what(), "task 'proj#3': arg 1 (b): slice out of bounds");
  EXPECT_EQ(e.detail(), "slice out of bounds");
  EXPECT_EQ(e.context().task_id, 3u);
  EXPECT_EQ(e.context().param, "b");
  EXPECT_EQ(Error("plain").context().location(), "");
  EXPECT_STREQ(ConfigError(ErrorContext{.file = "m.json", .json_path = "rates.hbm"}, "must be positive").what(),
               "m.json: rates.hbm: must be positive");
  EXPECT_STREQ(ConfigError(ErrorContext{.option = "--threads"}, "must be >= 0").what(), "option --threads: must be >= 0");
}

TEST(ErrorFields, RethrowWithKeepsTheTypeAndTheFieldsAlreadySet) {
  const ShapeError inner(ErrorContext{.buffer = "q", .region = "[0:4]"}, "bad");
  try {
    inner.rethrow_with(ErrorContext{.task = "t#0", .arg = 2, .buffer = "other"});
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.context().task, "t#0");
    EXPECT_EQ(e.context().arg, 2);
    EXPECT_EQ(e.context().buffer, "q") << "a field already set is kept";
    EXPECT_EQ(e.context().region, "[0:4]");
    return;
  }
  FAIL() << "rethrow_with must throw a ShapeError";
}

TEST(ErrorFields, ShapeErrorOfATensorAccessNamesTheBuffer) {
  const Tensor t("kv_cache", BF16, {4, 4});
  try {
    (void)t.view().slice({3, 0}, {2, 4}).data<bf16>();
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_EQ(e.context().buffer, "kv_cache");
    EXPECT_EQ(e.context().region, "[3:5, 0:4]");
  }
}

TEST(ErrorFields, IoErrorOfANpyFileNamesTheFile) {
  const auto file = std::filesystem::temp_directory_path() / "tg_error_fields_not_npy.npy";
  std::ofstream(file) << "not a numpy file";
  try {
    (void)read_npy(file);
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(e.context().file, file.string());
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
  }
  std::filesystem::remove(file);
}

TEST(ErrorFields, KernelErrorNamesTaskAndBlock) {
  const KernelError e("boom#0", 2, "bad tile");
  EXPECT_EQ(e.context().task, "boom#0");
  EXPECT_EQ(e.task_name(), "boom#0");
  EXPECT_EQ(e.block_idx(), 2);
  EXPECT_STREQ(e.what(), "task 'boom#0': block 2 failed: bad tile");
  try {
    e.rethrow_with(ErrorContext{.scope = "s"});
  } catch (const KernelError& again) {
    EXPECT_EQ(again.block_idx(), 2);
    EXPECT_EQ(again.context().scope, "s");
  }
}

}  // namespace
