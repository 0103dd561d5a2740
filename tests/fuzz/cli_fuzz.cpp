// libFuzzer target for the command line (tools/cli_app.cpp): the input becomes argv words
// (cli_words.hpp) parsed against every command's options and validators, without running a
// command. Property: it parses or reports a usage error (tg::cli::parse_only returns 0 or 2);
// an escaped exception or a crash is a bug. Its corpus, tests/fuzz/corpus_cli/, is replayed in
// every build by CliParse.FuzzCorpusReplays (tests/tools/cli_parse_test.cpp).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "cli_words.hpp"
#include "tools/command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tg::testing::CliWords words(data, size);
  const int code = tg::cli::parse_only(words.argc(), words.argv());
  if (code != 0 && code != 2) std::abort();
  return 0;
}
