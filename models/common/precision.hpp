#pragma once
// Precision report of a model run against its golden: per tensor max abs / max rel error,
// the mismatch ratio at the tensor's tolerance, the exact-match ratio and plain allclose at
// rtol = atol = 4e-3; grouped per stage as a local check (the stage's golden applied to the
// run's own inputs of that stage) and an end-to-end check (the golden chained from the
// scope inputs). The first diverging stage is the earliest stage, in topological order,
// whose local check fails: an upstream one-ulp difference cannot move it, a real bug does.
// Cost: O(n) per compared tensor of n elements.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/dtype.hpp"

namespace tg::models {

// An element mismatches when |actual - expected| > atol + rtol * |expected|; a tensor
// passes when at most max_mismatch_ratio of its elements mismatch and none is NaN / inf.
struct Tolerance {
  double atol = 1e-4;
  double rtol = 1.0 / 128;
  double max_mismatch_ratio = 0.005;
  const char* rule = "bf16";

  // The reference harness's bf16 rule: about one bf16 ulp.
  static Tolerance bf16() { return {1e-4, 1.0 / 128, 0.005, "bf16"}; }
  // fp32 staging: summation order moves far less than this, a stray bf16 rounding more.
  static Tolerance fp32() { return {1e-4, 1e-4, 0.005, "fp32"}; }
  // The rule a tensor of `dtype` is judged by (bf16 for bf16, fp32 otherwise).
  static Tolerance for_dtype(DType dtype) { return dtype == DType::BF16 ? bf16() : fp32(); }
};

inline constexpr double kAllcloseTolerance = 4e-3;  // rtol = atol, as the reference harness

struct TensorStats {
  std::string tensor;
  DType dtype = DType::FP32;
  Tolerance tolerance;
  std::int64_t compared = 0;     // elements compared (caches: the written rows only)
  std::int64_t mismatches = 0;   // over the tolerance
  std::int64_t exact = 0;        // bitwise-equal values
  std::int64_t non_finite = 0;   // NaN / inf in the actual values
  double max_abs_err = 0;
  double max_rel_err = 0;        // over elements whose expected value is not zero
  bool allclose = true;          // every element within 4e-3 + 4e-3 * |expected|
  // Caches: elements outside the written rows that differ bitwise from their value before
  // the run (must be 0); -1 when the tensor has no such rows.
  std::int64_t untouched_changed = -1;

  double mismatch_ratio() const { return compared ? static_cast<double>(mismatches) / static_cast<double>(compared) : 0.0; }
  double exact_ratio() const { return compared ? static_cast<double>(exact) / static_cast<double>(compared) : 1.0; }
  bool pass() const;
};

// Compares `actual` with `expected` elementwise (values as fp32; bf16 tensors hold
// bf16-representable values). Where `mask` is given, only elements with mask[i] != 0 count.
TensorStats compare(std::string tensor, DType dtype, std::span<const float> actual,
                    std::span<const float> expected, const Tolerance& tolerance,
                    std::span<const std::uint8_t> mask = {});

// An InOut cache [rows, row_len] of which only `written_rows` may change: those rows are
// judged by `tolerance` against `expected`; every other row must equal `before` bitwise.
TensorStats compare_cache(std::string tensor, DType dtype, std::span<const float> actual,
                          std::span<const float> expected, std::span<const float> before,
                          std::int64_t row_len, std::span<const std::int64_t> written_rows,
                          const Tolerance& tolerance);

struct StageCheck {
  std::string stage;
  std::vector<TensorStats> local;       // golden of this stage on the run's own stage inputs
  std::vector<TensorStats> end_to_end;  // golden chained from the scope inputs

  bool local_pass() const;
  bool end_to_end_pass() const;
};

struct PrecisionReport {
  std::string title;
  std::vector<StageCheck> stages;  // in topological order

  // The earliest stage whose local check fails, if any.
  std::optional<std::string> first_diverging_stage() const;
  // Every local check within tolerance.
  bool pass() const { return !first_diverging_stage(); }
  bool end_to_end_pass() const;
  // The table (one line per stage, check and tensor) and the verdict lines.
  void print(std::ostream& out) const;
};

}  // namespace tg::models
