#include "distributed/shard.hpp"

#include <cstring>

#include <nlohmann/json.hpp>

#include "distributed/comm_state.hpp"
#include "distributed/mpi_calls.hpp"
#include "runtime/error.hpp"

namespace tg {

Shape ShardSpec::local_shape() const {
  Shape s;
  for (std::size_t d = 0; d < slice.sizes.size(); ++d) s.push_back(slice.sizes[d]);
  return s;
}

ShardSpec shard_along(std::string name, DType dtype, Shape global_shape, int dim, int rank, int ranks) {
  const int r = static_cast<int>(global_shape.size());
  if (dim < 0 || dim >= r)
    throw ShapeError({.buffer = name}, "shard along dim " + std::to_string(dim) + " of a rank-" + std::to_string(r) + " shape");
  if (ranks < 1 || rank < 0 || rank >= ranks)
    throw ShapeError({.buffer = name}, "shard " + std::to_string(rank) + " of " + std::to_string(ranks) + " ranks");
  ShardSpec s{.name = std::move(name), .dtype = dtype, .global_shape = global_shape, .slice = {}};
  const std::int64_t extent = global_shape[static_cast<std::size_t>(dim)];
  const std::int64_t base = extent / ranks, longer = extent % ranks;
  const std::int64_t begin = rank * base + std::min<std::int64_t>(rank, longer);
  const std::int64_t size = base + (rank < longer ? 1 : 0);
  for (int d = 0; d < r; ++d) {
    s.slice.offsets.push_back(d == dim ? begin : 0);
    s.slice.sizes.push_back(d == dim ? size : global_shape[static_cast<std::size_t>(d)]);
  }
  return s;
}

std::string to_json(const ShardSpec& shard) {
  nlohmann::json j;
  j["name"] = shard.name;
  j["dtype"] = std::string(name_of(shard.dtype));
  j["global_shape"] = shard.global_shape;
  std::vector<std::int64_t> offsets, sizes;
  for (std::size_t d = 0; d < shard.slice.sizes.size(); ++d) {
    offsets.push_back(shard.slice.offsets[d]);
    sizes.push_back(shard.slice.sizes[d]);
  }
  j["offsets"] = offsets;
  j["sizes"] = sizes;
  return j.dump();
}

namespace {

// Copies a row-major block of `sizes` into `global` (row-major `shape`) at `offsets`.
void place(const std::byte* block, const std::vector<std::int64_t>& offsets, const std::vector<std::int64_t>& sizes,
           const Shape& shape, std::size_t element_bytes, std::byte* global) {
  const std::size_t rank = shape.size();
  if (rank == 0) {
    std::memcpy(global, block, element_bytes);
    return;
  }
  const Shape strides = row_major_strides(shape);
  std::int64_t rows = 1;
  for (std::size_t d = 0; d + 1 < rank; ++d) rows *= sizes[d];
  const std::size_t row_bytes = static_cast<std::size_t>(sizes[rank - 1]) * element_bytes;
  std::vector<std::int64_t> index(rank, 0);
  for (std::int64_t row = 0; row < rows; ++row) {
    std::int64_t flat = offsets[rank - 1];
    for (std::size_t d = 0; d + 1 < rank; ++d) flat += (offsets[d] + index[d]) * strides[d];
    std::memcpy(global + static_cast<std::size_t>(flat) * element_bytes, block + static_cast<std::size_t>(row) * row_bytes, row_bytes);
    for (std::size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < sizes[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

Tensor gather_shards(const Comm& comm, const ShardSpec& shard, const Tensor& local, int root) {
  const detail::CommState& state = *comm.state();
  if (local.dtype() != shard.dtype || local.shape() != shard.local_shape())
    throw ShapeError({.buffer = shard.name}, "the local tensor is " + std::string(name_of(local.dtype())) + " " +
                                                 to_string(local.shape()) + ", its shard spec says " +
                                                 std::string(name_of(shard.dtype)) + " " + to_string(shard.local_shape()));
  const std::size_t rank = shard.global_shape.size();
  std::vector<std::int64_t> box(2 * rank);
  for (std::size_t d = 0; d < rank; ++d) {
    box[d] = shard.slice.offsets[d];
    box[rank + d] = shard.slice.sizes[d];
  }
  const int n = state.size;
  std::vector<std::int64_t> boxes(state.rank == root ? box.size() * static_cast<std::size_t>(n) : 0);
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Gather(box.data(), static_cast<int>(box.size()), MPI_INT64_T, boxes.data(), static_cast<int>(box.size()),
               MPI_INT64_T, root, state.comm);
  }
  std::vector<int> counts(static_cast<std::size_t>(n)), displs(static_cast<std::size_t>(n));
  const std::size_t element_bytes = size_of(shard.dtype);
  std::int64_t total = 0;
  if (state.rank == root)
    for (int r = 0; r < n; ++r) {
      std::int64_t elements = 1;
      for (std::size_t d = 0; d < rank; ++d) elements *= boxes[static_cast<std::size_t>(r) * 2 * rank + rank + d];
      counts[static_cast<std::size_t>(r)] = static_cast<int>(elements * static_cast<std::int64_t>(element_bytes));
      displs[static_cast<std::size_t>(r)] = static_cast<int>(total);
      total += counts[static_cast<std::size_t>(r)];
    }
  std::vector<std::byte> all(static_cast<std::size_t>(total));
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Gatherv(local.data(), static_cast<int>(local.bytes()), MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE,
                root, state.comm);
  }
  if (state.rank != root) return Tensor();
  Tensor global(shard.name, shard.dtype, shard.global_shape);
  std::int64_t covered = 0;
  std::vector<Box> seen;
  for (int r = 0; r < n; ++r) {
    const std::int64_t* b = boxes.data() + static_cast<std::size_t>(r) * 2 * rank;
    std::vector<std::int64_t> offsets(b, b + rank), sizes(b + rank, b + 2 * rank);
    Box this_box;
    for (std::size_t d = 0; d < rank; ++d) {
      if (offsets[d] < 0 || sizes[d] < 0 || offsets[d] + sizes[d] > shard.global_shape[d])
        throw ShapeError({.buffer = shard.name}, "rank " + std::to_string(r) + "'s slice lies outside the global shape " +
                                                     to_string(shard.global_shape));
      this_box.offsets.push_back(offsets[d]);
      this_box.sizes.push_back(sizes[d]);
    }
    for (const Box& other : seen)
      if (intersect(this_box, other) && !intersect(this_box, other)->empty())
        throw Error("gather_shards '" + shard.name + "': rank " + std::to_string(r) + "'s slice " + box_to_string(this_box) +
                    " overlaps another rank's");
    seen.push_back(this_box);
    covered += this_box.numel();
    place(all.data() + displs[static_cast<std::size_t>(r)], offsets, sizes, shard.global_shape, element_bytes, global.data());
  }
  if (covered != numel_of(shard.global_shape))
    throw Error("gather_shards '" + shard.name + "': the slices cover " + std::to_string(covered) + " of " +
                std::to_string(numel_of(shard.global_shape)) + " elements; some part has no rank");
  return global;
}

}  // namespace tg
