#pragma once
// The collectives a tensor-parallel rank graph submits, behind an interface: the rank
// builders of models/ stay free of MPI, and whoever runs the graphs supplies them (MPI
// ranks: tools/tp/comm_collectives.hpp; the multi-chip simulator: its own modelled tasks).
#include <string>

#include "tasks/scope.hpp"

namespace tg::models {

class TpCollectives {
 public:
  virtual ~TpCollectives() = default;
  // out (ranks x n elements) = every rank's in (n elements), in rank order.
  virtual TaskRef all_gather(Scope& scope, const View& in, const View& out, std::string name) = 0;
  // out = the element-wise sum over ranks of in (fp32), summed in rank order, equal on every rank.
  virtual TaskRef all_reduce(Scope& scope, const View& in, const View& out, std::string name) = 0;
};

}  // namespace tg::models
