#include "models/common/tp_rank_run.hpp"

#include <fmt/format.h>

#include <cstring>

#include "runtime/error.hpp"

namespace tg::models {
namespace {

bool is_input_like(Role role) { return role == Role::Input || role == Role::Weight || role == Role::InOut; }

}  // namespace

std::string even_rank_counts(std::int64_t extent) {
  std::string text;
  for (std::int64_t d = 1; d <= extent; ++d)
    if (extent % d == 0) text += (text.empty() ? "" : ", ") + std::to_string(d);
  return text;
}

void copy_shard(const Tensor& global, int dim, std::int64_t offset, const Tensor& part) {
  const Shape& g = global.shape();
  const Shape& p = part.shape();
  const auto d = static_cast<std::size_t>(dim);
  if (global.dtype() != part.dtype() || g.size() != p.size() || d >= g.size() || offset < 0 || offset + p[d] > g[d])
    throw ShapeError(ErrorContext{.buffer = global.name()},
                     fmt::format("tensor-parallel shard of '{}': part {} {} does not fit at {} along dim {} of {} {}",
                                 global.name(), name_of(part.dtype()), to_string(p), offset, dim, name_of(global.dtype()),
                                 to_string(g)));
  std::int64_t outer = 1, inner = static_cast<std::int64_t>(size_of(global.dtype()));
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (i < d) outer *= g[i];
    if (i > d) inner *= g[i];
    if (i != d && g[i] != p[i])
      throw ShapeError(ErrorContext{.buffer = global.name()},
                       fmt::format("tensor-parallel shard of '{}': part {} and tensor {} differ in dim {}, not only in dim {}",
                                   global.name(), to_string(p), to_string(g), i, dim));
  }
  const auto run_bytes = static_cast<std::size_t>(p[d] * inner);
  for (std::int64_t o = 0; o < outer; ++o)
    std::memcpy(part.data() + static_cast<std::size_t>(o) * run_bytes,
                global.data() + static_cast<std::size_t>((o * g[d] + offset) * inner), run_bytes);
}

TpRankRun::TpRankRun(Graph graph, std::string model, int rank, int ranks, std::vector<TpPlacement> placements,
                     std::shared_ptr<WeightPacks> packs)
    : ModelRun(std::move(graph)),
      model_(std::move(model)),
      rank_(rank),
      ranks_(ranks),
      placements_(std::move(placements)),
      packs_(std::move(packs)) {}

const TpPlacement& TpRankRun::placement(const std::string& tensor) const {
  for (const auto& p : placements_)
    if (p.tensor == tensor) return p;
  throw Error(ErrorContext{.buffer = tensor},
              fmt::format("{} --tp {}: tensor '{}' of the single-rank run has no placement on the ranks (a bug in the "
                          "model's rank builder)",
                          model_, ranks_, tensor));
}

Box TpRankRun::slice_of(const TpPlacement& placement, const Shape& global) const {
  Box box;
  for (const auto extent : global) {
    box.offsets.push_back(0);
    box.sizes.push_back(extent);
  }
  if (!placement.sharded()) return box;
  const auto d = static_cast<std::size_t>(placement.shard_dim);
  if (d >= global.size() || global[d] % ranks_ != 0)
    throw ShapeError(ErrorContext{.buffer = placement.tensor},
                     fmt::format("{} --tp {}: tensor '{}' {} does not split into {} equal parts along dim {}", model_,
                                 ranks_, placement.tensor, to_string(global), ranks_, placement.shard_dim));
  box.sizes[d] = global[d] / ranks_;
  box.offsets[d] = box.sizes[d] * rank_;
  return box;
}

void TpRankRun::take_inputs(const ModelRun& full) {
  for (const auto& buffer : graph().buffers()) {
    if (!is_input_like(buffer->role())) continue;
    const Tensor& global = full.tensor(buffer->name());
    const Tensor& part = tensor(buffer->name());
    const TpPlacement& p = placement(buffer->name());
    const Box box = slice_of(p, global.shape());
    if (Shape(box.sizes) != part.shape())
      throw Error(ErrorContext{.buffer = buffer->name()},
                  fmt::format("{} --tp {}: rank {} holds '{}' as {}, but its part of {} is {}", model_, ranks_, rank_,
                              buffer->name(), to_string(part.shape()), to_string(global.shape()), to_string(Shape(box.sizes))));
    if (p.sharded())
      copy_shard(global, p.shard_dim, box.offsets[static_cast<std::size_t>(p.shard_dim)], part);
    else
      std::memcpy(part.data(), global.data(), global.bytes());
  }
  inputs_bound();
}

std::string TpRankRun::summary() const {
  return fmt::format("{} rank {} of {}: {} tasks, {} edges", model_, rank_, ranks_, graph().num_tasks(), graph().edges().size());
}

void TpRankRun::generate_inputs(std::uint64_t) {
  throw Error(model_ + " --tp: a rank's inputs are cut from a single-rank run's (TpRankRun::take_inputs), not generated");
}

PrecisionReport TpRankRun::check() const {
  throw Error(model_ + " --tp: a rank's results are judged by the single-rank run's golden once gathered, not per rank");
}

void TpRankRun::inputs_bound() {
  if (packs_ && packs_->size() > 0) packs_->pack(tensors());
}

}  // namespace tg::models
