// Output files appear whole or not at all, and no temporary is left behind.
#include "runtime/atomic_file.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/error.hpp"
#include "runtime/temporary_sibling.hpp"

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

// A pipe or device target (`-o /dev/stdout`) is written in place, not replaced by a file.
TEST(AtomicFile, APipeTargetIsWrittenInPlaceNotReplaced) {
  const auto dir = fresh_dir("atomic_pipe");
  const auto fifo = dir / "out.dot";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = contents(fifo); });
  write_stream_atomically(fifo, [](std::ostream& out) { out << "digraph {}"; });
  reader.join();
  EXPECT_EQ(received, "digraph {}");
  EXPECT_TRUE(fs::is_fifo(fifo));
  EXPECT_EQ(entries(dir), 1u);
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

// "." and "dump/.." name a folder: it is replaced whole (a rename onto "." would fail).
TEST(AtomicFolder, DotNamesTheFolderItself) {
  const auto root = fresh_dir("atomic_dot");
  fs::create_directories(root / "dump" / "inner");
  std::ofstream(root / "dump" / "old.txt") << "old";
  const auto cwd = fs::current_path();
  fs::current_path(root / "dump");
  replace_folder_atomically(".", [](const fs::path& dir) {
    std::ofstream(dir / "a.txt") << "dot";
    fs::create_directory(dir / "inner");
  });
  EXPECT_EQ(contents(root / "dump" / "a.txt"), "dot");
  fs::current_path(root / "dump");  // the folder the shell was in has been replaced
  replace_folder_atomically("inner/..", [](const fs::path& dir) { std::ofstream(dir / "b.txt") << "dotdot"; });
  fs::current_path(cwd);
  EXPECT_EQ(contents(root / "dump" / "b.txt"), "dotdot");
  EXPECT_FALSE(fs::exists(root / "dump" / "a.txt"));
  EXPECT_FALSE(fs::exists(root / "dump" / "old.txt"));
  EXPECT_EQ(entries(root), 1u);
  EXPECT_THROW(replace_folder_atomically("/", [](const fs::path&) {}), IoError);
}

TEST(AtomicFolder, MissingParentOrAFileInTheWayIsAnIoError) {
  const auto root = fresh_dir("atomic_folder_errors");
  EXPECT_THROW(replace_folder_atomically(root / "no_such" / "dump", [](const fs::path&) {}), IoError);
  std::ofstream(root / "file") << "x";
  EXPECT_THROW(replace_folder_atomically(root / "file", [](const fs::path&) {}), IoError);
  EXPECT_EQ(contents(root / "file"), "x");
  EXPECT_EQ(entries(root), 1u);
}

// Runs `body` in a child process that then kills itself with SIGKILL, as a user's kill -9
// mid-dump would; returns the child's pid once it is dead and reaped.
template <class Body> pid_t run_and_kill(Body body) {
  const pid_t child = ::fork();
  if (child == 0) {
    body();
    ::raise(SIGKILL);
    ::_exit(0);  // not reached
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return child;
}

std::vector<std::string> temporaries_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(".tmp-", 0) == 0) names.push_back(e.path().filename().string());
  return names;
}

// A run killed mid-dump leaves its temporary folder; the next dump into the same folder
// removes it (its writer's pid is gone and its lock free) and replaces the folder whole.
TEST(AtomicFolder, TheNextRunRemovesTheTemporaryOfARunKilledMidDump) {
  const auto root = fresh_dir("atomic_killed");
  const auto target = root / "dump";
  replace_folder_atomically(target, [](const fs::path& dir) { std::ofstream(dir / "a.txt") << "first"; });
  const pid_t killed = run_and_kill([&] {
    replace_folder_atomically(target, [](const fs::path& dir) {
      std::ofstream(dir / "a.txt") << "half";
      ::raise(SIGKILL);
    });
  });
  const auto left = temporaries_in(root);
  ASSERT_EQ(left.size(), 1u) << "the killed run should have left its temporary";
  EXPECT_EQ(left[0].rfind(".tmp-" + std::to_string(killed) + "-", 0), 0u) << left[0];
  EXPECT_EQ(contents(target / "a.txt"), "first") << "the killed run must not have touched the dump";
  replace_folder_atomically(target, [](const fs::path& dir) { std::ofstream(dir / "a.txt") << "second"; });
  EXPECT_EQ(contents(target / "a.txt"), "second");
  EXPECT_TRUE(temporaries_in(root).empty());
}

TEST(AtomicFile, TheNextWriteRemovesTheTemporaryOfAWriterKilledMidFile) {
  const auto dir = fresh_dir("atomic_killed_file");
  run_and_kill([&] {
    write_stream_atomically(dir / "t.html", [](std::ostream& out) {
      out << "half" << std::flush;
      ::raise(SIGKILL);
    });
  });
  ASSERT_EQ(temporaries_in(dir).size(), 1u);
  write_stream_atomically(dir / "t.html", [](std::ostream& out) { out << "whole"; });
  EXPECT_EQ(contents(dir / "t.html"), "whole");
  EXPECT_TRUE(temporaries_in(dir).empty());
  EXPECT_EQ(entries(dir), 1u);
}

// A concurrent live run's temporary is never touched: its pid is alive. And one whose pid
// looks dead but whose lock is held (a writer in another pid namespace) stays too.
TEST(AtomicFolder, ALiveWritersTemporaryIsNeverRemoved) {
  const auto root = fresh_dir("atomic_live");
  const auto target = root / "dump";
  int go[2], ready[2];
  ASSERT_EQ(::pipe(go), 0);
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t dead = run_and_kill([] {});
  const pid_t writer = ::fork();
  if (writer == 0) {
    // Holds two temporaries: its own, mid-write, and one named after a dead pid, locked.
    const auto foreign = root / (".tmp-" + std::to_string(dead) + "-0-dump");
    fs::create_directory(foreign);
    const int fd = ::open(foreign.c_str(), O_RDONLY | O_DIRECTORY);
    ::flock(fd, LOCK_EX);
    replace_folder_atomically(target, [&](const fs::path& dir) {
      std::ofstream(dir / "a.txt") << "live";
      char c = 1;
      (void)!::write(ready[1], &c, 1);
      (void)!::read(go[0], &c, 1);  // until the parent has tried to clean up
    });
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  EXPECT_EQ(temporaries_in(root).size(), 2u);
  EXPECT_EQ(detail::remove_abandoned_temporaries(target), 0u);
  replace_folder_atomically(target, [](const fs::path& dir) { std::ofstream(dir / "a.txt") << "parent"; });
  EXPECT_EQ(temporaries_in(root).size(), 2u) << "a live writer's temporaries must stay";
  EXPECT_EQ(::write(go[1], &c, 1), 1);
  int status = 0;
  ::waitpid(writer, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(contents(target / "a.txt"), "live") << "the later rename wins, whole";
  // The writer has ended: the foreign temporary's lock is free and its pid dead.
  EXPECT_EQ(detail::remove_abandoned_temporaries(target), 1u);
  EXPECT_TRUE(temporaries_in(root).empty());
}

// Only `.tmp-PID-N-NAME` of the same NAME is a candidate: other names and look-alikes stay.
TEST(AtomicFolder, OnlyTemporariesOfTheSameTargetAreCandidates) {
  const auto root = fresh_dir("atomic_names");
  const pid_t dead = run_and_kill([] {});
  const std::string pid = std::to_string(dead);
  for (const std::string& name : {".tmp-" + pid + "-3-other", ".tmp-" + pid + "-dump", ".tmp-x" + pid + "-1-dump",
                                 ".tmp-" + pid + "-1-dump2", "tmp-" + pid + "-1-dump"})
    fs::create_directory(root / name);
  fs::create_directory(root / (".tmp-" + pid + "-1-dump"));
  EXPECT_EQ(detail::remove_abandoned_temporaries(root / "dump"), 1u);
  EXPECT_EQ(entries(root), 5u);
}

}  // namespace
}  // namespace tg
