#include "models/common/precision.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <ostream>

#include "runtime/error.hpp"

namespace tg::models {
namespace {

void check_sizes(const std::string& tensor, std::size_t actual, std::size_t expected) {
  if (actual != expected)
    throw ShapeError("precision check of '" + tensor + "': run has " + std::to_string(actual) +
                     " elements, golden has " + std::to_string(expected));
}

// Accumulates one element into `s`.
void account(TensorStats& s, float actual, float expected) {
  ++s.compared;
  if (!std::isfinite(actual)) {
    ++s.non_finite;
    ++s.mismatches;
    s.allclose = false;
    return;
  }
  if (std::bit_cast<std::uint32_t>(actual) == std::bit_cast<std::uint32_t>(expected) || actual == expected) ++s.exact;
  const double ref = expected;
  const double diff = std::abs(static_cast<double>(actual) - ref);
  s.max_abs_err = std::max(s.max_abs_err, diff);
  if (ref != 0) s.max_rel_err = std::max(s.max_rel_err, diff / std::abs(ref));
  if (diff > s.tolerance.atol + s.tolerance.rtol * std::abs(ref)) ++s.mismatches;
  if (diff > kAllcloseTolerance + kAllcloseTolerance * std::abs(ref)) s.allclose = false;
}

}  // namespace

bool TensorStats::pass() const {
  return non_finite == 0 && mismatch_ratio() <= tolerance.max_mismatch_ratio && untouched_changed <= 0;
}

TensorStats compare(std::string tensor, DType dtype, std::span<const float> actual, std::span<const float> expected,
                    const Tolerance& tolerance, std::span<const std::uint8_t> mask) {
  check_sizes(tensor, actual.size(), expected.size());
  if (!mask.empty()) check_sizes(tensor + " (mask)", mask.size(), expected.size());
  TensorStats s{std::move(tensor), dtype, tolerance};
  for (std::size_t i = 0; i < actual.size(); ++i)
    if (mask.empty() || mask[i]) account(s, actual[i], expected[i]);
  return s;
}

TensorStats compare_cache(std::string tensor, DType dtype, std::span<const float> actual, std::span<const float> expected,
                          std::span<const float> before, std::int64_t row_len,
                          std::span<const std::int64_t> written_rows, const Tolerance& tolerance) {
  check_sizes(tensor, actual.size(), expected.size());
  check_sizes(tensor + " (before the run)", before.size(), expected.size());
  const auto rows = static_cast<std::int64_t>(actual.size()) / row_len;
  std::vector<std::uint8_t> written(static_cast<std::size_t>(rows), 0);
  for (auto r : written_rows) {
    if (r < 0 || r >= rows) throw ShapeError("precision check of '" + tensor + "': written row " + std::to_string(r) + " outside [0, " + std::to_string(rows) + ")");
    written[static_cast<std::size_t>(r)] = 1;
  }
  TensorStats s{std::move(tensor), dtype, tolerance};
  s.untouched_changed = 0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto base = static_cast<std::size_t>(r * row_len);
    for (std::size_t j = base; j < base + static_cast<std::size_t>(row_len); ++j) {
      if (written[static_cast<std::size_t>(r)])
        account(s, actual[j], expected[j]);
      else if (std::bit_cast<std::uint32_t>(actual[j]) != std::bit_cast<std::uint32_t>(before[j]))
        ++s.untouched_changed;
    }
  }
  return s;
}

bool StageCheck::local_pass() const {
  for (const auto& t : local)
    if (!t.pass()) return false;
  return true;
}

bool StageCheck::end_to_end_pass() const {
  for (const auto& t : end_to_end)
    if (!t.pass()) return false;
  return true;
}

std::optional<std::string> PrecisionReport::first_diverging_stage() const {
  for (const auto& s : stages)
    if (!s.local_pass()) return s.stage;
  return std::nullopt;
}

bool PrecisionReport::end_to_end_pass() const {
  for (const auto& s : stages)
    if (!s.end_to_end_pass()) return false;
  return true;
}

void PrecisionReport::print(std::ostream& out) const {
  out << "precision: " << title << "\n";
  out << fmt::format("{:<20} {:<5} {:<14} {:<5} {:>10} {:>10} {:>9} {:>7} {:>8} {:>9} {}\n", "stage", "check", "tensor",
                     "rule", "max_abs", "max_rel", "mismatch", "exact", "allclose", "untouched", "verdict");
  // An end-to-end row over tolerance is drift unless its stage's local check fails too.
  auto line = [&](const std::string& stage, const char* check, const TensorStats& t) {
    const bool local = check[0] == 'l';
    out << fmt::format("{:<20} {:<5} {:<14} {:<5} {:>10.3e} {:>10.3e} {:>8.4f}% {:>6.2f}% {:>8} {:>9} {}\n", stage, check,
                       t.tensor, t.tolerance.rule, t.max_abs_err, t.max_rel_err, 100 * t.mismatch_ratio(),
                       100 * t.exact_ratio(), t.allclose ? "yes" : "no",
                       t.untouched_changed < 0 ? std::string("-") : t.untouched_changed == 0 ? std::string("same") : std::to_string(t.untouched_changed) + " diff",
                       t.pass() ? "ok" : t.non_finite ? "FAIL (NaN/inf)" : local ? "FAIL" : "over");
  };
  for (const auto& s : stages) {
    for (const auto& t : s.local) line(s.stage, "local", t);
    for (const auto& t : s.end_to_end) line(s.stage, "e2e", t);
  }
  out << "rules: bf16 = at most 0.5% with |d| > 1e-4 + |ref|/128; fp32 = at most 0.5% with |d| > 1e-4 + 1e-4*|ref|; "
         "caches judged on the written rows, other rows must stay bit-identical\n";
  const auto first = first_diverging_stage();
  if (first)
    out << "first diverging stage: " << *first << "\n";
  else
    out << "every stage within tolerance (local checks)\n";
  std::string over;
  for (const auto& s : stages)
    for (const auto& t : s.end_to_end)
      if (!t.pass()) over += (over.empty() ? "" : ", ") + t.tensor;
  if (over.empty())
    out << "end to end: every tensor within tolerance\n";
  else
    out << "end to end: over tolerance on " << over
        << (first ? "" : " -- every local check passes, so this is drift from legal one-ulp differences upstream, not a bug")
        << "\n";
}

}  // namespace tg::models
