#pragma once
// Errors of a multi-rank run. Each names the rank that failed first, so every rank's
// message points at the same culprit.
#include <string>

#include "runtime/error.hpp"

namespace tg {

// A run stopped because a rank failed: this one (a kernel threw, a request timed out) or
// another one (its fault message arrived). failing_rank() is the rank that failed first.
// what() is the detail alone, which starts with the ranks ("rank 0 stopped: rank 1 failed:
// task 'boom#2': block 0 failed: ..."); the context keeps the task's fields.
class RankFailedError : public Error {
 public:
  RankFailedError(ErrorContext context, int failing_rank, const std::string& detail)
      : Error(std::move(context), detail, detail), failing_rank_(failing_rank) {}
  int failing_rank() const { return failing_rank_; }
  [[noreturn]] void rethrow_with(const ErrorContext& more) const override {
    throw RankFailedError(context().merged(more), failing_rank_, detail());
  }

 private:
  int failing_rank_;
};

// The ranks' collectives disagree (operation, count, dtype or root), found before any of
// them is posted to MPI. The message names a task of each of two disagreeing ranks.
class CollectiveMismatchError : public Error {
 public:
  using Error::Error;
  [[noreturn]] void rethrow_with(const ErrorContext& more) const override {
    throw CollectiveMismatchError(context().merged(more), detail());
  }
};

}  // namespace tg
