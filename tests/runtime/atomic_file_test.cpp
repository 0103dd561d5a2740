// Output files appear whole or not at all, and no temporary is left behind.
#include "runtime/atomic_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "runtime/error.hpp"

namespace tg {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const auto dir = fs::path(::testing::TempDir()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string contents(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, WritesAndReplacesWhole) {
  const auto dir = fresh_dir("atomic_replace");
  const auto file = dir / "out.dot";
  write_stream_atomically(file, [](std::ostream& out) { out << "first"; });
  write_stream_atomically(file, [](std::ostream& out) { out << "second"; });
  EXPECT_EQ(contents(file), "second");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicFile, AFailedWriteLeavesTheOldFileAndNoTemporary) {
  const auto dir = fresh_dir("atomic_fail");
  const auto file = dir / "out.html";
  write_stream_atomically(file, [](std::ostream& out) { out << "old"; });
  EXPECT_THROW(write_stream_atomically(file,
                                       [](std::ostream& out) {
                                         out << "half";
                                         throw std::runtime_error("interrupted");
                                       }),
               std::runtime_error);
  EXPECT_EQ(contents(file), "old");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicFile, TheTemporaryKeepsTheExtensionAndSitsBesideTheTarget) {
  const auto dir = fresh_dir("atomic_sibling");
  write_file_atomically(dir / "trace.json", [&](const fs::path& temporary) {
    EXPECT_EQ(temporary.parent_path(), dir);
    EXPECT_EQ(temporary.extension(), ".json");
    std::ofstream(temporary) << "{}";
  });
  EXPECT_EQ(contents(dir / "trace.json"), "{}");
}

TEST(AtomicFile, AMissingFolderOrADirectoryTargetIsAnIoError) {
  const auto dir = fresh_dir("atomic_errors");
  try {
    write_stream_atomically(dir / "no_such" / "f.dot", [](std::ostream&) {});
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_stream_atomically(dir, [](std::ostream&) {}), IoError);
}

// Folders: a new one appears whole; an old one is replaced whole (no file of it survives);
// a failed write leaves the old folder as it was and no temporary beside it.
TEST(AtomicFolder, CreatesReplacesWholeAndLeavesTheOldOneOnFailure) {
  const auto root = fresh_dir("atomic_folder");
  const auto target = root / "dump";
  replace_folder_atomically(target, [](const fs::path& dir) {
    std::ofstream(dir / "a.txt") << "first";
    std::ofstream(dir / "only_first.txt") << "x";
  });
  EXPECT_EQ(contents(target / "a.txt"), "first");
  replace_folder_atomically(target, [](const fs::path& dir) { std::ofstream(dir / "a.txt") << "second"; });
  EXPECT_EQ(contents(target / "a.txt"), "second");
  EXPECT_FALSE(fs::exists(target / "only_first.txt")) << "the old folder must be replaced whole";
  EXPECT_THROW(replace_folder_atomically(target,
                                         [](const fs::path& dir) {
                                           std::ofstream(dir / "a.txt") << "half";
                                           throw std::runtime_error("interrupted");
                                         }),
               std::runtime_error);
  EXPECT_EQ(contents(target / "a.txt"), "second");
  EXPECT_EQ(entries(root), 1u) << "no temporary left beside the folder";
  // With a trailing separator the folder is the same one, and an empty folder is replaced.
  fs::create_directory(root / "empty");
  replace_folder_atomically(root / "empty" / "", [](const fs::path& dir) { std::ofstream(dir / "b.txt") << "b"; });
  EXPECT_EQ(contents(root / "empty" / "b.txt"), "b");
  EXPECT_EQ(entries(root), 2u);
}

TEST(AtomicFolder, MissingParentOrAFileInTheWayIsAnIoError) {
  const auto root = fresh_dir("atomic_folder_errors");
  EXPECT_THROW(replace_folder_atomically(root / "no_such" / "dump", [](const fs::path&) {}), IoError);
  std::ofstream(root / "file") << "x";
  EXPECT_THROW(replace_folder_atomically(root / "file", [](const fs::path&) {}), IoError);
  EXPECT_EQ(contents(root / "file"), "x");
  EXPECT_EQ(entries(root), 1u);
}

}  // namespace
}  // namespace tg
