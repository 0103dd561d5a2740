#pragma once
// Reading JSON that users give us: the checks every JSON reader of the project shares.
// - Duplicate keys are an error (nlohmann keeps the last one silently), naming the path.
// - A number literal outside a double's range (1e999) is a ConfigError naming the file and
//   the JSON path, not an escaped nlohmann exception.
// - Integers and figures are range-checked in their own type before any cast or arithmetic.
// Cost: one pass over the text, O(keys of the deepest open objects) extra memory.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace tg::json_checked {

// How a reader spells JSON paths in its messages: "/latency_ns/pickup" (Pointer, machine
// files) or "tasks[3].cost.flops" (Dotted, JSON scopes).
enum class PathStyle { Pointer, Dotted };

// Parses `text`; syntax errors read "<origin>: not valid JSON: ...", duplicate keys
// "<origin>: <path>: duplicate key 'k'...", overflowing numbers "<origin>: <path>: number
// ... does not fit a double". All are ConfigError.
nlohmann::json parse(std::string_view text, std::string_view origin, PathStyle style);

// An integer JSON value in [lo, hi], checked before narrowing (4294967297 never becomes 1,
// 2^64-1 never becomes -1). `fail(message)` must throw; message reads "expected ...".
template <typename Fail>
std::int64_t integer_in(const nlohmann::json& v, std::int64_t lo, std::int64_t hi, const std::string& unit, Fail&& fail) {
  const std::string expect = "expected an integer number of " + unit + " from " + std::to_string(lo) + " to " +
                             std::to_string(hi) + ", found " + v.dump();
  if (!v.is_number_integer()) fail(expect);
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(hi)) fail(expect);
  const auto x = v.get<std::int64_t>();
  if (x < lo || x > hi) fail(expect);
  return x;
}

}  // namespace tg::json_checked
