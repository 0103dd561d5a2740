// GoogleTest under mpirun: every rank runs every test in the same order (the tests run
// collectives), and the process exits non-zero when a test failed on this rank.
#include <gtest/gtest.h>

#include <cstdio>

#include "distributed/mpi_session.hpp"

namespace {
// On ranks other than 0: failed assertions only, with the rank.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (result.failed())
      std::fprintf(stderr, "rank %d: %s:%d: %s\n", rank_, result.file_name() ? result.file_name() : "?",
                   result.line_number(), result.summary());
  }

 private:
  int rank_;
};
}  // namespace

int main(int argc, char** argv) {
  tg::MpiSession session(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (session.rank() != 0) {
    // One rank prints the progress; the others report failures only.
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new FailurePrinter(session.rank()));
  }
  const int failed = RUN_ALL_TESTS();
  if (failed) std::fprintf(stderr, "rank %d: some tests failed\n", session.rank());
  return failed;
}
