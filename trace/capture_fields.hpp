#pragma once
// Checked reads of one capture file's JSON fields: every failure is a ConfigError whose
// context names the file and the JSON path of the field, and says what was expected.
// Integers are range-checked in their own type before any narrowing (an id of 2^64 - 1
// stays an id, -1 never becomes a cycle count). Internal to the capture reader.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace tg::capture {

class FieldReader {
 public:
  using json = nlohmann::json;
  explicit FieldReader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(const std::string& path, const std::string& what) const;

  // `path` is the JSON pointer of `v` ("/aicore_tasks/3/4"); `what` says what the field is.
  const json& member(const json& object, const std::string& path, const std::string& key) const;
  const json* optional_member(const json& object, const std::string& key) const;
  const json& array(const json& v, const std::string& path, const std::string& what) const;
  const json& object(const json& v, const std::string& path, const std::string& what) const;
  std::string text(const json& v, const std::string& path, const std::string& what) const;
  std::int64_t integer(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                       const std::string& what) const;
  // A uint64 as a JSON number or a decimal string (deps.json writes ids as strings).
  std::uint64_t u64(const json& v, const std::string& path, const std::string& what) const;

 private:
  std::string file_;
};

}  // namespace tg::capture
