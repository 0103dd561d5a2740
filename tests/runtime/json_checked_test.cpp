// The shared JSON checks: duplicate keys and overflowing numbers are ConfigErrors naming the
// origin and the JSON path, in both path styles; integers are checked before narrowing.
#include "runtime/json_checked.hpp"

#include <gtest/gtest.h>

#include "runtime/error.hpp"

namespace tg {
namespace {

using json_checked::PathStyle;

std::string error_of(const std::string& text, PathStyle style = PathStyle::Dotted) {
  try {
    json_checked::parse(text, "f.json", style);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(JsonChecked, ValidTextParsesAsUsual) {
  const auto j = json_checked::parse(R"({"a": [1, {"b": 2.5}], "c": {"a": 1}})", "f.json", PathStyle::Dotted);
  EXPECT_EQ(j["a"][1]["b"].get<double>(), 2.5);
  EXPECT_EQ(j["c"]["a"].get<int>(), 1);  // the same key in two objects is fine
}

TEST(JsonChecked, DuplicateKeysNameTheirPath) {
  EXPECT_EQ(error_of(R"({"name": "a", "name": "b"})"),
            "f.json: name: duplicate key 'name'; each key may appear once in an object (the readers would keep only one)");
  EXPECT_NE(error_of(R"({"tasks": [{"x": 1}, {"y": 1, "y": 2}]})").find("f.json: tasks[1].y: duplicate key 'y'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"m": {"l": {"p": 1, "q": [1, 2], "p": 3}}})", PathStyle::Pointer).find("f.json: /m/l/p: duplicate"),
            std::string::npos);
  EXPECT_NE(error_of(R"([[], [{"k": 1, "k": 1}]])", PathStyle::Pointer).find("f.json: /1/0/k: duplicate"), std::string::npos);
}

TEST(JsonChecked, NumbersBeyondADoubleNameTheirPath) {
  EXPECT_NE(error_of(R"({"tasks": [{"cost": {"flops": 1e999}}]})").find("f.json: tasks[0].cost.flops: number overflow parsing '1e999'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"a": [1, 2, -1e400]})", PathStyle::Pointer).find("f.json: /a/2: number overflow"), std::string::npos);
  EXPECT_NE(error_of("1e999", PathStyle::Pointer).find("f.json: /: number overflow"), std::string::npos);
  EXPECT_NE(error_of("1e999").find("must fit a double"), std::string::npos);
}

TEST(JsonChecked, SyntaxErrorsSayNotValidJson) {
  EXPECT_NE(error_of("{\"a\": ").find("f.json: not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("").find("f.json: not valid JSON"), std::string::npos);
}

TEST(JsonChecked, IntegersAreCheckedBeforeNarrowing) {
  auto check = [](const char* text, std::int64_t lo, std::int64_t hi) -> std::string {
    try {
      json_checked::integer_in(nlohmann::json::parse(text), lo, hi, "groups",
                               [](const std::string& what) { throw ConfigError(what); });
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(ok)";
  };
  EXPECT_EQ(check("24", 1, 20000), "(ok)");
  EXPECT_EQ(check("4294967297", 1, 20000), "expected an integer number of groups from 1 to 20000, found 4294967297");
  EXPECT_NE(check("18446744073709551615", 0, 1000), "(ok)");  // would be -1 as int64
  EXPECT_NE(check("9223372036854775807", 0, 1000), "(ok)");
  EXPECT_NE(check("-1", 0, 1000), "(ok)");
  EXPECT_NE(check("2.5", 0, 1000), "(ok)");
  EXPECT_NE(check("\"3\"", 0, 1000), "(ok)");
}

}  // namespace
}  // namespace tg
