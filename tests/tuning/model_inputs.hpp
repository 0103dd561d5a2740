#pragma once
// The memory for a fused model graph: the model run's inputs, weights and InOut caches (as
// they are before its runs), copied, so the fused and the unfused runs start alike.
#include "models/common/model_run.hpp"
#include "tasks/bindings.hpp"

namespace tg::tuning::test {

inline Bindings inputs_of(const Graph& fused, const models::ModelRun& run) {
  Bindings memory(fused);
  for (const auto& b : fused.buffers())
    if (b->role() == Role::Input || b->role() == Role::Weight || b->role() == Role::InOut)
      memory.bind(b->name(), run.tensor(b->name()).clone());
  return memory;
}

}  // namespace tg::tuning::test
