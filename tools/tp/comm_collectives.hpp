#pragma once
// The collectives of a tensor-parallel rank graph as communication tasks on an MPI Comm
// (distributed/collectives.hpp): what the ranks of `tilegraph run --tp N` submit.
#include "distributed/comm.hpp"
#include "models/common/tp_collectives.hpp"

namespace tg::cli {

class CommCollectives final : public models::TpCollectives {
 public:
  explicit CommCollectives(Comm comm) : comm_(std::move(comm)) {}
  TaskRef all_gather(Scope& scope, const View& in, const View& out, std::string name) override;
  TaskRef all_reduce(Scope& scope, const View& in, const View& out, std::string name) override;

 private:
  Comm comm_;
};

}  // namespace tg::cli
