#pragma once
// Early dispatch: a task whose unfinished producers are all running is staged on a free
// core (the scheduler pays dispatch and the core its pickup while the producer still
// runs) and starts the moment the last producer's FIN is seen. Only cores that no ready
// task of the same shape wants are used for staging. Ready order as fifo.
#include "scheduler/strategy.hpp"

namespace tg {

class EarlyDispatchStrategy final : public DispatchStrategy {
 public:
  std::string_view name() const override { return "early-dispatch"; }
  bool stages_early() const override { return true; }
};

}  // namespace tg
