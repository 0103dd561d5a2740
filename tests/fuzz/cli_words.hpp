#pragma once
// How the CLI fuzzer turns bytes into a command line: words split at '\n', NUL bytes dropped,
// at most 32 words of at most 256 bytes after the program name. Shared by the fuzzer and
// the corpus replay test, so both see the same argv for one input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tg::testing {

class CliWords {
 public:
  CliWords(const std::uint8_t* data, std::size_t size) : words_{"tilegraph"} {
    std::string word;
    for (std::size_t i = 0; i < size && words_.size() <= kMaxWords; ++i) {
      const char c = static_cast<char>(data[i]);
      if (c == '\n') {
        words_.push_back(word);
        word.clear();
      } else if (word.size() < kMaxWordBytes && c != '\0') {
        word += c;
      }
    }
    if (words_.size() <= kMaxWords) words_.push_back(word);
    for (std::string& w : words_) argv_.push_back(w.data());
    argv_.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(words_.size()); }
  char** argv() { return argv_.data(); }

 private:
  static constexpr std::size_t kMaxWords = 32;
  static constexpr std::size_t kMaxWordBytes = 256;
  std::vector<std::string> words_;
  std::vector<char*> argv_;
};

}  // namespace tg::testing
