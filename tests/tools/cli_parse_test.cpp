// The command line parsed without running a command (tg::cli::parse_only): usage errors are
// exit code 2 and never escape, valid command lines parse, and the CLI fuzzer's corpus
// (tests/fuzz/corpus_cli/) replays with the fuzzer's property in every build.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/cli_words.hpp"
#include "../fuzz_corpus_replay.hpp"
#include "tools/command.hpp"

namespace {

int parse(std::vector<std::string> words) {
  words.insert(words.begin(), "tilegraph");
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  return tg::cli::parse_only(static_cast<int>(words.size()), argv.data());
}

TEST(CliParse, ValidCommandLinesParseWithoutRunning) {
  // A full-dims model run would take seconds and write files; parsing it takes neither.
  EXPECT_EQ(parse({"run", "v32-decode-scope1", "--threads", "2", "--seed", "7"}), 0);
  EXPECT_EQ(parse({"bench", "v4-qkv-proj-rope", "--mode", "decode", "--reps", "3", "--format", "json"}), 0);
  EXPECT_EQ(parse({"--help"}), 0);
}

TEST(CliParse, UsageErrorsAreExitCodeTwo) {
  EXPECT_EQ(parse({"frobnicate"}), 2);
  EXPECT_EQ(parse({}), 2);
  EXPECT_EQ(parse({"run", "v32-decode-scope1", "--threads", "-5"}), 2);
  EXPECT_EQ(parse({"run", "v32-decode-scope1", "--seed", "-1"}), 2);
  EXPECT_EQ(parse({"run", "v32-decode-scope1", "--batch", "2147483648"}), 2);
  EXPECT_EQ(parse({"bench", "v32-decode-scope1", "--format", "yaml"}), 2);
  EXPECT_EQ(parse({"run", "v32-decode-scope1", "--bogus-option"}), 2);
}

TEST(CliParse, FuzzCorpusReplays) {
  const auto counts = tg::testing::replay_corpus("corpus_cli", [](const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    tg::testing::CliWords words(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    const int code = tg::cli::parse_only(words.argc(), words.argv());
    EXPECT_TRUE(code == 0 || code == 2) << file << " gave exit code " << code;
  });
  EXPECT_GE(counts.files, 10);
  EXPECT_EQ(counts.read, counts.files);  // parse_only never throws: errors are exit codes
}

}  // namespace
