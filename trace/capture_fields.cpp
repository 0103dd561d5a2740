#include "trace/capture_fields.hpp"

#include <charconv>

#include "runtime/error.hpp"

namespace tg::capture {

void FieldReader::fail(const std::string& path, const std::string& what) const {
  throw ConfigError(ErrorContext{.file = file_, .json_path = path.empty() ? "/" : path}, what);
}

const FieldReader::json& FieldReader::member(const json& object, const std::string& path, const std::string& key) const {
  const json* v = optional_member(object, key);
  if (!v) fail(path + "/" + key, "missing; a capture record needs it (docs/calibration.md lists the fields)");
  return *v;
}

const FieldReader::json* FieldReader::optional_member(const json& object, const std::string& key) const {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const FieldReader::json& FieldReader::array(const json& v, const std::string& path, const std::string& what) const {
  if (!v.is_array()) fail(path, "expected " + what + " (a JSON array), found " + std::string(v.type_name()));
  return v;
}

const FieldReader::json& FieldReader::object(const json& v, const std::string& path, const std::string& what) const {
  if (!v.is_object()) fail(path, "expected " + what + " (a JSON object), found " + std::string(v.type_name()));
  return v;
}

std::string FieldReader::text(const json& v, const std::string& path, const std::string& what) const {
  if (!v.is_string()) fail(path, "expected " + what + " (a string), found " + v.dump());
  return v.get<std::string>();
}

std::int64_t FieldReader::integer(const json& v, const std::string& path, std::int64_t lo, std::int64_t hi,
                                  const std::string& what) const {
  const std::string expect =
      "expected " + what + ", an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", found ";
  if (!v.is_number_integer()) fail(path, expect + v.dump());
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) fail(path, expect + v.dump());
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi) fail(path, expect + v.dump());
  return x;
}

std::uint64_t FieldReader::u64(const json& v, const std::string& path, const std::string& what) const {
  const std::string expect = "expected " + what + ", an integer from 0 to 2^64-1 (a number or a decimal string), found ";
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    if (v.get<std::int64_t>() < 0) fail(path, expect + v.dump());
    return static_cast<std::uint64_t>(v.get<std::int64_t>());
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::uint64_t x = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (!s.empty() && ec == std::errc{} && end == s.data() + s.size()) return x;
  }
  fail(path, expect + v.dump());
}

}  // namespace tg::capture
