#pragma once
// Sharded tensors: a tensor split across ranks is described by its global shape and the
// box (slice) this rank holds, so a dump or a golden check can put the pieces back.
#include <string>

#include "distributed/comm.hpp"
#include "runtime/box.hpp"
#include "runtime/tensor.hpp"

namespace tg {

struct ShardSpec {
  std::string name;
  DType dtype = DType::FP32;
  Shape global_shape;
  Box slice;  // this rank's part, in global coordinates
  Shape local_shape() const;
};

// Cuts dimension `dim` into `ranks` contiguous parts as equal as possible (the first
// global % ranks parts one longer) and describes part `rank`. ShapeError on a bad dim or
// rank. Cost: O(rank of the shape).
ShardSpec shard_along(std::string name, DType dtype, Shape global_shape, int dim, int rank, int ranks);

// "{"name":"x","dtype":"fp32","global_shape":[8,4],"offsets":[4,0],"sizes":[4,4]}"
std::string to_json(const ShardSpec& shard);

// Every rank of `comm` calls it with its shard's tensor (shape = the slice's sizes). On
// `root`, returns the global tensor with every rank's slice in place; elsewhere an
// undefined Tensor. ShapeError (before any data moves) when a tensor does not match its
// spec; Error when the slices overlap or leave a gap. Blocking: call it outside runs.
Tensor gather_shards(const Comm& comm, const ShardSpec& shard, const Tensor& local, int root = 0);

}  // namespace tg
