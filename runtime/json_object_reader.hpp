#pragma once
// ObjectReader: reads one JSON object of a user's file field by field (the machine and
// multi-chip machine readers share it). Every error is a ConfigError naming the file and
// the JSON path; keys nobody read are an error too (a typo must not fall back to a default
// silently).
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/error.hpp"
#include "runtime/json_checked.hpp"

namespace tg::json_checked {

class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& object, std::string origin, std::string path)
      : object_(object), origin_(std::move(origin)), path_(std::move(path)) {
    if (!object_.is_object()) fail(path_, "must be a JSON object");
  }

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw ConfigError(origin_ + ": " + (path.empty() ? "/" : path) + ": " + what);
  }

  const std::string& path() const { return path_; }

  bool has(const std::string& key) const { return object_.contains(key); }
  // For fields that take either a number or an object.
  bool holds_object(const std::string& key) const { return has(key) && object_.at(key).is_object(); }

  // The keys of this object, for maps keyed by name (they are all read).
  std::vector<std::string> keys() {
    std::vector<std::string> names;
    for (const auto& [key, value] : object_.items()) {
      names.push_back(key);
      read_.insert(key);
    }
    return names;
  }

  ObjectReader object(const std::string& key) {
    read_.insert(key);
    if (!object_.contains(key)) fail(path_ + "/" + key, "missing; an object");
    return ObjectReader(object_.at(key), origin_, path_ + "/" + key);
  }

  // An array field; its elements are read by the caller, each with element(...).
  const nlohmann::json& array(const std::string& key, const std::string& expect) {
    const nlohmann::json& v = field(key, expect);
    if (!v.is_array()) fail(path_ + "/" + key, "must be " + expect);
    return v;
  }
  // A reader of element `index` of the array field `key`.
  ObjectReader element(const std::string& key, const nlohmann::json& value, std::size_t index) const {
    return ObjectReader(value, origin_, path_ + "/" + key + "/" + std::to_string(index));
  }

  std::string text(const std::string& key) {
    const nlohmann::json& v = field(key, "a string");
    if (!v.is_string()) fail(path_ + "/" + key, "must be a string");
    return v.get<std::string>();
  }

  // A finite number in [min_value, max_value] (> 0 besides when positive is set): the
  // bounds keep the simulator's durations (ns in 64 bits) from overflowing.
  double number(const std::string& key, const char* unit, bool positive, double min_value, double max_value) {
    const std::string expect = std::string("a number of ") + unit + " from " + fmt_number(min_value) + " to " +
                               fmt_number(max_value) + (positive && min_value == 0 ? ", > 0" : "");
    const nlohmann::json& v = field(key, expect);
    if (!v.is_number()) fail(path_ + "/" + key, "must be " + expect + ", got " + v.dump());
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < min_value || x > max_value || (positive && x == 0))
      fail(path_ + "/" + key, "must be " + expect + ", got " + v.dump());
    return x;
  }

  // An integer in [min_value, max_value], checked before it is narrowed to its field's type.
  std::int64_t integer(const std::string& key, const char* unit, std::int64_t min_value, std::int64_t max_value) {
    const nlohmann::json& v = field(key, std::string("an integer number of ") + unit);
    return json_checked::integer_in(v, min_value, max_value, unit,
                                    [&](const std::string& what) { fail(path_ + "/" + key, what); });
  }

  // Call after reading every field: names the first key that was not expected.
  void reject_unknown() const {
    for (const auto& [key, value] : object_.items())
      if (!read_.count(key)) {
        std::string known;
        for (const auto& k : read_) known += (known.empty() ? "" : ", ") + k;
        fail(path_ + "/" + key, "unknown field; expected one of: " + known);
      }
  }

 private:
  static std::string fmt_number(double x) {
    std::ostringstream os;
    os << x;
    return os.str();
  }

  const nlohmann::json& field(const std::string& key, const std::string& expect) {
    read_.insert(key);
    if (!object_.contains(key)) fail(path_ + "/" + key, "missing; " + expect);
    return object_.at(key);
  }

  const nlohmann::json& object_;
  std::string origin_;
  std::string path_;
  std::set<std::string> read_;
};

}  // namespace tg::json_checked
