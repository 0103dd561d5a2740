#pragma once
// Replays a fuzz corpus in a normal test build: `read(path)` must return or throw a tg::Error
// for every file, never another exception type. The property the libFuzzer targets check,
// on the inputs they found, in every CTest run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "runtime/error.hpp"

namespace tg::testing {

struct CorpusCounts {
  int files = 0;
  int read = 0;  // files `read` accepted without throwing
};

template <class Read> CorpusCounts replay_corpus(const std::string& corpus_folder, Read&& read) {
  const std::filesystem::path dir = std::filesystem::path(TG_SOURCE_DIR) / "tests" / "fuzz" / corpus_folder;
  CorpusCounts counts;
  EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir;
  if (!std::filesystem::is_directory(dir)) return counts;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    ++counts.files;
    try {
      read(entry.path());
      ++counts.read;
    } catch (const Error&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << entry.path() << " threw a non-tg exception: " << e.what();
    }
  }
  return counts;
}

}  // namespace tg::testing
