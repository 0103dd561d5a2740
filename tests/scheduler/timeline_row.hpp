#pragma once
// The timeline row of one block of a task (its first subslot), for tests that check a
// hand-computed timeline; a missing row is a test failure, not a crash.
#include <gtest/gtest.h>

#include "tasks/timeline.hpp"

namespace tg::testing {

inline TimelineRow row_of(const Timeline& tl, TaskId t, int block = 0) {
  for (const auto& r : tl.rows())
    if (r.task == t && r.block == block && r.subslot == 0) return r;
  ADD_FAILURE() << "no row for task " << t << " block " << block;
  return {};
}

}  // namespace tg::testing
