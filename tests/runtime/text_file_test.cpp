// read_text_file on what users name as a file: a named pipe with no writer is an error after
// the wait, never a hang; a pipe with a writer is read like a file.
#include "runtime/text_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "runtime/error.hpp"

namespace tg {
namespace {

std::filesystem::path fresh_fifo(const std::string& name) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove(path);
  EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
  return path;
}

TEST(TextFile, FifoWithoutWriterIsAnErrorAfterTheWaitNotAHang) {
  const auto fifo = fresh_fifo("no_writer.json");
  try {
    (void)read_text_file(fifo, "JSON scope", /*fifo_wait_ms=*/50);
    FAIL() << "expected an IoError";
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("JSON scope '" + fifo.string() + "'"), std::string::npos) << what;
    EXPECT_NE(what.find("no process opened for writing within 50 ms"), std::string::npos) << what;
  }
  std::filesystem::remove(fifo);
}

TEST(TextFile, FifoWithAWriterIsReadToItsEnd) {
  const auto fifo = fresh_fifo("with_writer.json");
  const std::string body(200'000, 'x');  // more than one pipe buffer: the reader must keep reading
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << body << "{}";
  });
  const std::string text = read_text_file(fifo, "JSON scope", 10'000);
  writer.join();
  EXPECT_EQ(text.size(), body.size() + 2);
  EXPECT_EQ(text.substr(text.size() - 2), "{}");
  std::filesystem::remove(fifo);
}

TEST(TextFile, FifoWhoseWriterClosesAtOnceIsEmpty) {
  const auto fifo = fresh_fifo("empty_writer.json");
  std::thread writer([&] { std::ofstream out(fifo, std::ios::binary); });
  EXPECT_EQ(read_text_file(fifo, "machine file", 10'000), "");
  writer.join();
  std::filesystem::remove(fifo);
}

// `--machine <(cat m.json)`: the machine readers read the file twice (is it a multi-chip
// machine? then load it); an anonymous pipe gives its text the second time too.
TEST(TextFile, AnAnonymousPipeReadTwiceGivesItsTextTwice) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "{\"a\": 1}", 8), 8);
  ::close(fds[1]);
  const std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
  EXPECT_EQ(read_text_file(path, "machine file", 1000), "{\"a\": 1}");
  EXPECT_EQ(read_text_file(path, "machine file", 1000), "{\"a\": 1}");
  ::close(fds[0]);
}

TEST(TextFile, RegularFileIsReadWhole) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "plain.json";
  { std::ofstream(path) << "{\"a\": 1}"; }
  EXPECT_EQ(read_text_file(path, "JSON scope"), "{\"a\": 1}");
}

}  // namespace
}  // namespace tg
