#pragma once
// What lint finds: one Diagnostic per finding; a LintSummary, what a Graph keeps of the
// findings of finalize() (counts per rule plus the first few of each, so a 10^5-task graph
// does not grow by a diagnostic per task); LintError, what finalize() throws on errors.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/box.hpp"
#include "runtime/error.hpp"
#include "tasks/task.hpp"

namespace tg {

enum class Severity : std::uint8_t { Info, Warning, Error };
std::string_view name_of(Severity s);

struct Diagnostic {
  std::string rule;  // stable id, e.g. "multi-inout"
  Severity severity = Severity::Warning;
  std::optional<TaskId> task;        // the task the finding is about
  int arg = -1;                      // its argument index, -1 when none
  std::optional<TaskId> other_task;  // a second task involved (the overwriting writer, ...)
  int other_arg = -1;
  std::string buffer;        // the buffer involved, empty when none
  std::vector<Box> regions;  // the exact region, in buffer coordinates, as disjoint boxes
  std::string message;       // what is wrong and where, one sentence
  std::string suggestion;    // what to do about it

  // "error[multi-inout] q_head_proj#3: arg 2 (...) overlaps ...\n  fix: ...\n"
  std::string to_string() const;
};

class LintSummary {
 public:
  static constexpr std::size_t kKeptPerRule = 3;

  struct RuleCount {
    std::string rule;
    Severity severity = Severity::Info;
    std::size_t count = 0;
    std::vector<Diagnostic> first;  // at most kKeptPerRule, in lint's order
  };

  LintSummary() = default;
  explicit LintSummary(const std::vector<Diagnostic>& diagnostics);

  bool ran() const { return ran_; }  // false when finalize() ran with Lint::Off
  std::size_t count(Severity severity) const;
  std::size_t count(std::string_view rule) const;
  const std::vector<RuleCount>& rules() const { return rules_; }  // in lint_rules() order
  // "2 warnings (dead-write 2), 1 info (false-serialization 1)" or "clean"
  std::string to_string() const;

 private:
  bool ran_ = false;
  std::vector<RuleCount> rules_;
};

// finalize() found errors. what() is "scope 'S': lint error [rule] <the first error's
// message>; fix: ... (and N more lint errors)"; the context holds the first error's task,
// argument, buffer and region; diagnostics() holds all findings, errors first.
class LintError : public Error {
 public:
  // `context` must name the scope; `diagnostics` must hold at least one error.
  LintError(ErrorContext context, std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // The first error: its rule id ("read-before-write").
  const std::string& rule() const;
  [[noreturn]] void rethrow_with(const ErrorContext& more) const override {
    throw LintError(context().merged(more), diagnostics_);
  }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace tg
