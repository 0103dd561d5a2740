// .npy headers are range-checked and the shape's byte size is checked against the file
// before anything is allocated; a directory is named as such.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "tests/fuzz_corpus_replay.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include "runtime/error.hpp"
#include "runtime/npy.hpp"

namespace tg {
namespace {

// A version 1.0 file with `header` (padded) followed by `data_bytes` zero bytes.
std::filesystem::path npy_with(const std::string& name, std::string header, std::size_t data_bytes) {
  const auto path = std::filesystem::path(::testing::TempDir()) / name;
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
  out.write(len, 2);
  out << header << std::string(data_bytes, '\0');
  return path;
}

std::string error_of(const std::filesystem::path& path) {
  try {
    read_npy(path);
  } catch (const IoError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string header_for(const std::string& shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
}

TEST(NpyLimits, AWellFormedFileReads) {
  const auto a = read_npy(npy_with("ok.npy", header_for("(2, 3)"), 24));
  EXPECT_EQ(a.shape, (Shape{2, 3}));
  EXPECT_EQ(a.bytes.size(), 24u);
}

TEST(NpyLimits, AHugeShapeIsRefusedBeforeAllocating) {
  // 2^40 floats would be 4 TiB: the file holds 16 bytes, so this fails on the size check.
  const auto e = error_of(npy_with("huge.npy", header_for("(1048576, 1048576)"), 16));
  EXPECT_NE(e.find("data truncated: shape [1048576, 1048576] of fp32 needs 4398046511104 bytes, file holds 16"),
            std::string::npos)
      << e;
}

TEST(NpyLimits, HeaderFieldsAreRangeChecked) {
  EXPECT_NE(error_of(npy_with("over.npy", header_for("(99999999999999999999,)"), 0)).find("is above 2^48"), std::string::npos);
  EXPECT_NE(error_of(npy_with("big.npy", header_for("(281474976710657,)"), 0)).find("is above 2^48"), std::string::npos);
  EXPECT_NE(error_of(npy_with("product.npy", header_for("(16777216, 16777216, 2)"), 0)).find("more than 2^48 elements"),
            std::string::npos);
  EXPECT_NE(error_of(npy_with("neg.npy", header_for("(-1, 4)"), 0)).find("negative dimension"), std::string::npos);
  EXPECT_NE(error_of(npy_with("junk.npy", header_for("(4x, 4)"), 0)).find("something other than integers"), std::string::npos);
  EXPECT_NE(error_of(npy_with("rank.npy", header_for("(1, 1, 1, 1, 1, 1, 1, 1, 1)"), 4)).find("more than 8 dims"),
            std::string::npos);
}

TEST(NpyLimits, TrailingBytesAreStillAnError) {
  EXPECT_NE(error_of(npy_with("trailing.npy", header_for("(2,)"), 12)).find("trailing bytes"), std::string::npos);
}

TEST(NpyLimits, ADirectoryIsNamedAsSuch) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "npy_dir.npy";
  std::filesystem::create_directories(dir);
  EXPECT_NE(error_of(dir).find("is a directory; expected a .npy file"), std::string::npos) << error_of(dir);
}

// Every file of the fuzz corpus (tests/fuzz/corpus_npy/, fuzzed by tests/fuzz/npy_fuzz.cpp)
// reads into an array whose bytes match its dtype and shape or throws a tg::Error: never a crash, never another exception type.
// numpy reads a header dict's last duplicate, this reader its first: refused, not guessed.
TEST(NpyLimits, ADuplicateHeaderKeyIsAnError) {
  const auto e = error_of(npy_with("dup.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'descr': '<i4', }", 8));
  EXPECT_NE(e.find("header has the key 'descr' twice"), std::string::npos) << e;
}

// A pipe has no size to check the header's shape against (and blocks without a writer);
// a device never ends. Neither is read.
TEST(NpyLimits, APipeOrDeviceIsRefusedUnread) {
  const auto fifo = std::filesystem::path(::testing::TempDir()) / "pipe.npy";
  std::filesystem::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(error_of(fifo).find("is not a regular file (a device, pipe or socket)"), std::string::npos) << error_of(fifo);
  EXPECT_NE(error_of("/dev/zero").find("is not a regular file"), std::string::npos);
}

TEST(NpyLimits, FuzzCorpusReplays) {
  const auto counts = testing::replay_corpus("corpus_npy", [](const std::filesystem::path& file) {
    const NpyArray a = read_npy(file);
    EXPECT_EQ(a.bytes.size(), static_cast<std::size_t>(a.numel()) * size_of(a.dtype)) << file;
  });
  EXPECT_GE(counts.files, 10);
  EXPECT_GE(counts.read, 2);
}

}  // namespace
}  // namespace tg
