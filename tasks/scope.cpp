#include "tasks/scope.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "tasks/lint.hpp"
#include "tasks/param_binding.hpp"

namespace tg {

Task& TaskRef::task() const { return scope_->tasks_.at(id_); }

namespace {

ErrorContext about(const Scope& scope, const Task& task) {
  return ErrorContext{.scope = scope.name(), .task_id = task.id, .task = task.label()};
}

}  // namespace

TaskRef& TaskRef::blocks(int block_num) {
  if (block_num < 1)
    throw GraphError(about(*scope_, task()), "block_num " + std::to_string(block_num) + " must be >= 1");
  if (!task().grid.empty() && block_num != task().grid.blocks())
    throw GraphError(about(*scope_, task()), "block_num " + std::to_string(block_num) + " disagrees with the " +
                                                 std::to_string(task().grid.blocks()) +
                                                 " blocks of the task's tiles; the tiles set block_num, drop .blocks()");
  task().block_num = block_num;
  return *this;
}

TaskRef& TaskRef::cost(const CostHint& hint) {
  // `!(x >= 0)` also refuses NaN, which `x < 0` lets through to the simulator.
  if (!(hint.flops >= 0) || !(hint.bytes >= 0) || !std::isfinite(hint.flops) || !std::isfinite(hint.bytes))
    throw GraphError(about(*scope_, task()), "cost hint flops " + std::to_string(hint.flops) + " and bytes " +
                                                 std::to_string(hint.bytes) + " must be finite and >= 0");
  task().cost = hint;
  task().cost_given = true;
  return *this;
}

TaskRef& TaskRef::after(TaskId predecessor) {
  if (predecessor >= scope_->tasks_.size())
    throw GraphError(about(*scope_, task()), "after() names task id " + std::to_string(predecessor) +
                     ", which does not exist");
  task().after.push_back(predecessor);
  return *this;
}

TaskRef& TaskRef::sync_start(bool on) {
  task().sync_start = on;
  return *this;
}

TaskRef& TaskRef::mix_slots(std::uint8_t slots) {
  if (task().kind != TaskKind::Mix || slots == 0 || slots > kSlotAll)
    throw GraphError(about(*scope_, task()), "mix_slots applies to MIX tasks, with a non-empty subset of AIC|AIV0|AIV1");
  task().mix_slots = slots;
  return *this;
}

TaskRef& TaskRef::expect_dtypes(std::vector<std::optional<DType>> dtypes) {
  if (dtypes.size() != task().args.size())
    throw GraphError(about(*scope_, task()), "expect_dtypes got " + std::to_string(dtypes.size()) +
                     " entries for " + std::to_string(task().args.size()) + " args; give one per arg (nullopt = any)");
  task().expected_dtypes = std::move(dtypes);
  return *this;
}

TaskRef& TaskRef::kernel_name(std::string name) {
  if (name.empty()) throw GraphError(about(*scope_, task()), "kernel_name: the name must not be empty");
  task().kernel_name = std::move(name);
  return *this;
}

TaskRef& TaskRef::param_names(std::vector<std::string> names) {
  if (names.size() != task().args.size())
    throw GraphError(about(*scope_, task()), "param_names got " + std::to_string(names.size()) + " names for " +
                                                  std::to_string(task().args.size()) + " args; give one per arg");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) throw GraphError(about(*scope_, task()), "param_names: arg " + std::to_string(i) + " has an empty name");
    for (std::size_t k = 0; k < i; ++k)
      if (names[i] == names[k])
        throw GraphError(about(*scope_, task()), "param_names: args " + std::to_string(k) + " and " + std::to_string(i) +
                                                      " are both named '" + names[i] + "'; each parameter is bound once");
  }
  task().params = std::move(names);
  return *this;
}

Scope::Scope(std::string name) : name_(std::move(name)) {
  scopes_.push_back(ScopeInfo{name_, -1});
  scope_stack_.push_back(0);
}

Scope::~Scope() = default;

View Scope::buffer(std::string name, Shape shape, DType dtype, Role role) {
  if (find_buffer(name))
    throw GraphError(ErrorContext{.scope = name_, .buffer = name},
                     "buffer '" + name + "' is declared twice; buffer names must be unique");
  std::shared_ptr<const Buffer> b;
  try {
    b = std::make_shared<const Buffer>(std::move(name), dtype, std::move(shape), role,
                                       static_cast<std::uint32_t>(buffers_.size()), scope_stack_.back());
  } catch (const Error& e) {
    e.rethrow_with(ErrorContext{.scope = name_});
  }
  buffer_ids_.emplace(b->name(), b->id());
  buffers_.push_back(b);
  issued_buffers_.push_back(b);
  buffer_scopes_.push_back(scope_stack_.back());
  return View(*b);
}

StagingRing Scope::staging_ring(const std::string& name, int stages, const Shape& shape, DType dtype) {
  if (stages < 1) throw GraphError("staging ring '" + name + "': stages must be >= 1");
  std::vector<View> slots;
  for (int i = 0; i < stages; ++i) slots.push_back(staging(name + "[" + std::to_string(i) + "]", shape, dtype));
  return StagingRing(std::move(slots));
}

const Buffer* Scope::find_buffer(std::string_view name) const {
  if (const auto it = buffer_ids_.find(std::string(name)); it != buffer_ids_.end()) return buffers_[it->second].get();
  return nullptr;
}

namespace {

// The grid the arguments' tiles define: per axis, the block count every argument that
// follows it agrees on. Throws GraphError naming the argument that disagrees.
BlockGrid resolve_tiles(Task& t, const std::string& scope, const std::vector<std::string>* params) {
  BlockGrid grid;
  std::vector<int> set_by;  // axis -> the argument that first gave its extent
  t.tiles.assign(t.args.size(), {});
  for (std::size_t i = 0; i < t.args.size(); ++i) {
    const Arg& a = t.args[i];
    if (a.tile.empty()) continue;
    ErrorContext where{.scope = scope, .task_id = t.id, .task = t.label(), .arg = static_cast<int>(i),
                       .param = params && i < params->size() ? (*params)[i] : std::string{}, .buffer = a.view.buffer().name()};
    try {
      t.tiles[i] = a.tile.resolve(a.view.rank());
    } catch (const GraphError& e) {
      throw GraphError(where, "tiles of " + a.view.describe() + ": " + e.detail());
    }
    for (std::size_t d = 0; d < t.tiles[i].size(); ++d) {
      const TileDim& td = t.tiles[i][d];
      if (td.axis < 0) continue;
      const auto axis = static_cast<std::size_t>(td.axis);
      const std::int64_t n = tiles_over(a.view.size(static_cast<int>(d)), td.tile);
      if (axis >= grid.extents.size()) {
        grid.extents.resize(axis + 1, 0);
        set_by.resize(axis + 1, -1);
      }
      if (grid.extents[axis] == 0) {
        grid.extents[axis] = n;
        set_by[axis] = static_cast<int>(i);
      } else if (grid.extents[axis] != n) {
        throw GraphError(where, "dim " + std::to_string(d) + " of " + a.view.describe() + " in tiles of " +
                                    std::to_string(td.tile) + " makes " + std::to_string(n) + " blocks on grid axis " +
                                    std::to_string(axis) + ", but arg " + std::to_string(set_by[axis]) + " makes " +
                                    std::to_string(grid.extents[axis]) + "; tile them to the same block count");
      }
    }
  }
  std::int64_t blocks = 1;
  for (std::size_t axis = 0; axis < grid.extents.size(); ++axis) {
    if (grid.extents[axis] == 0)
      throw GraphError(ErrorContext{.scope = scope, .task_id = t.id, .task = t.label()},
                       "no argument's tiles follow grid axis " + std::to_string(axis) + "; number the axes 0, 1, ... in order");
    // Checked before multiplying: extents reach 2^48 (JSON), so the product could overflow.
    if (grid.extents[axis] > std::numeric_limits<int>::max() / blocks)
      throw GraphError(ErrorContext{.scope = scope, .task_id = t.id, .task = t.label()},
                       "the tiles make more than 2^31 blocks; use larger tiles");
    blocks *= grid.extents[axis];
  }
  return grid;
}

}  // namespace

TaskRef Scope::submit(TaskKind kind, std::string name, std::vector<Arg> args, Kernel kernel) {
  return submit_args(kind, std::move(name), std::move(args), std::move(kernel), nullptr, nullptr);
}

TaskRef Scope::submit(TaskKind kind, std::string name, const KernelRef& kernel, std::vector<NamedArg> args) {
  const auto id = static_cast<TaskId>(tasks_.size());
  const ErrorContext where{.scope = name_, .task_id = id, .task = name + "#" + std::to_string(id)};
  if (!kernel) throw GraphError(where, "the kernel descriptor is null");
  detail::BoundParams bound = detail::bind_params(*kernel, std::move(args), where);
  return submit_args(kind, std::move(name), std::move(bound.args), kernel->body, &bound, &kernel);
}

TaskRef Scope::submit_args(TaskKind kind, std::string name, std::vector<Arg> args, Kernel kernel,
                           const detail::BoundParams* bound, const KernelRef* descriptor) {
  const std::vector<std::string>* params = bound ? &bound->names : nullptr;
  const auto id = static_cast<TaskId>(tasks_.size());
  // The error context is built only for a bad argument: strings per argument would cost
  // more than the rest of a submit.
  auto label = [&] { return name + "#" + std::to_string(id); };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& v = args[i].view;
    const bool foreign = v.valid() && (v.buffer().id() >= buffers_.size() || buffers_[v.buffer().id()].get() != &v.buffer());
    if (v.valid() && !foreign) continue;
    ErrorContext where{.scope = name_, .task_id = id, .task = label(), .arg = static_cast<int>(i),
                       .param = params && i < params->size() ? (*params)[i] : std::string{}};
    if (v.defect()) v.defect()->rethrow_with(where);
    if (!v.has_buffer()) throw GraphError(where, "the argument is an empty view (View{})");
    where.buffer = v.buffer().name();
    throw GraphError(where, "the argument (" + v.describe() + ") names a buffer of another scope");
  }
  // Built in place (a Task is a few hundred bytes to move); a check below that throws takes
  // it out again, so a failed submit leaves no half task.
  Task& t = tasks_.emplace_back();
  struct Undo {
    ChunkedVector<Task>& tasks;
    bool committed = false;
    ~Undo() {
      if (!committed) tasks.pop_back();
    }
  } undo{tasks_};
  t.id = id;
  t.name = std::move(name);
  t.kind = kind;
  t.args = std::move(args);
  t.kernel = std::move(kernel);
  t.scope = scope_stack_.back();
  if (std::any_of(t.args.begin(), t.args.end(), [](const Arg& a) { return !a.tile.empty(); })) {
    t.grid = resolve_tiles(t, name_, params);
    t.block_num = static_cast<int>(t.grid.blocks());
  }
  if (descriptor) {
    t.descriptor = *descriptor;
    t.kernel_name = (*descriptor)->name;
    t.params = bound->names;
    t.param_args = bound->param_args;
    try {
      if (auto cost = derived_cost(t)) t.cost = *cost;
    } catch (const Error& e) {
      e.rethrow_with(ErrorContext{.scope = name_, .task_id = id, .task = t.label()});
    } catch (const std::exception& e) {
      throw GraphError(ErrorContext{.scope = name_, .task_id = id, .task = t.label()},
                       "the cost function of kernel '" + t.kernel_name + "' failed: " + e.what());
    }
  }
  regions_.access(id, t.args, edges_);
  undo.committed = true;
  return TaskRef(*this, id);
}

Scope::Nested::~Nested() {
  if (scope_) scope_->scope_stack_.pop_back();
}

Scope::Nested Scope::nest(std::string name) {
  const auto id = static_cast<std::uint32_t>(scopes_.size());
  scopes_.push_back(ScopeInfo{std::move(name), static_cast<int>(scope_stack_.back())});
  scope_stack_.push_back(id);
  return Nested(*this, id);
}

void Scope::pipeline(std::int64_t n_iters, int stages, const std::function<void(const PipelineStep&)>& body) {
  if (stages < 1) throw GraphError("scope '" + name_ + "': pipeline stages must be >= 1");
  for (std::int64_t i = 0; i < n_iters; ++i) body(PipelineStep{i, static_cast<int>(i % stages)});
}

Graph Scope::finalize(const FinalizeOptions& options) {
  // The region index is done once the last task is in: free it before the graph's arrays are
  // built, so the two never peak together (a 10^6-region index is ~100s of MB).
  regions_ = RegionMap();
  Graph g = Graph::assemble(name_, std::move(buffers_), std::move(buffer_scopes_), tasks_.take_all(),
                            std::move(edges_), std::move(scopes_));
  buffers_.clear();
  buffer_ids_.clear();
  buffer_scopes_.clear();
  tasks_.clear();
  edges_.clear();
  scopes_ = {ScopeInfo{name_, -1}};
  scope_stack_ = {0};
  if (verify_on_finalize()) g.verify();
  if (options.lint == Lint::On) {
    // The false-serialization hints are left to an explicit tg::lint(): their cost grows
    // with E * (V + E), while finalize's rules stay near-linear in the accesses.
    auto diagnostics = lint(g, LintOptions{.machine = std::nullopt, .disabled = {}, .hints = false});
    if (lint_fails(diagnostics)) {
      std::stable_partition(diagnostics.begin(), diagnostics.end(),
                            [](const Diagnostic& d) { return d.severity == Severity::Error; });
      const Diagnostic& first = diagnostics.front();
      ErrorContext where{.scope = g.name(), .buffer = first.buffer};
      if (first.task) {
        where.task_id = *first.task;
        where.task = g.task(*first.task).label();
        where.arg = first.arg;
      }
      if (!first.regions.empty()) where.region = box_to_string(first.regions.front());
      throw LintError(std::move(where), std::move(diagnostics));
    }
    g.lint_summary_ = LintSummary(diagnostics);
  }
  spdlog::debug("scope '{}': finalized {} tasks, {} edges, {} buffers", g.name(), g.num_tasks(), g.edges().size(),
                g.buffers().size());
  return g;
}

}  // namespace tg
