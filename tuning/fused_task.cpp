#include "tuning/fused_task.hpp"

#include <algorithm>
#include <limits>

#include "runtime/tensor.hpp"
#include "tasks/kernel_descriptor.hpp"
#include "tasks/task_cost.hpp"

namespace tg::tuning {
namespace {

bool tiled(const Task& t, std::size_t arg) { return !t.tiles.empty() && !t.tiles[arg].empty(); }

// What a fused block runs: the original tasks (a fusion of fusions is flattened), each
// argument bound before the call to the memory a fused argument gives (any on the same
// buffer) or to a block-local tile. Views come pre-bound, so the parts' contexts need no
// buffer table. Parts run in order, each its blocks of this fused block in turn.
struct Part {
  Task task;
  std::vector<int> source;  // per argument: a fused argument on its buffer, or -1 - local tile index
  int blocks = 1;           // of this task per fused block
};

struct ComposedBody {
  std::vector<Part> parts;
  std::vector<std::shared_ptr<const Buffer>> locals;  // one tile each, shape of a block's tile

  void operator()(const TaskContext& ctx) const {
    std::vector<Tensor> tiles;  // zeroed per block: never read before the producer writes them
    for (const auto& local : locals) tiles.emplace_back(local->name(), local->dtype(), local->shape());
    const auto fused_block = static_cast<std::int64_t>(ctx.block_idx());
    for (const Part& part : parts) {
      Task task = part.task;
      for (std::size_t i = 0; i < task.args.size(); ++i) {
        const int from = part.source[i];
        std::byte* base = from >= 0 ? ctx.view(static_cast<std::size_t>(from)).whole().bytes_data()
                                    : tiles[static_cast<std::size_t>(-1 - from)].data();
        task.args[i].view = task.args[i].view.bind(base);
      }
      for (int s = 0; s < part.blocks; ++s)
        task.kernel(TaskContext(task, static_cast<int>(fused_block * part.blocks + s), nullptr, nullptr));
    }
  }
};

// The callable a fused task's kernel holds: found again (std::function::target) when the
// fused task is fused once more, so its parts can be flattened into the new one.
struct ComposedCall {
  std::shared_ptr<const ComposedBody> body;
  void operator()(const TaskContext& ctx) const { (*body)(ctx); }
};

const ComposedBody* composed_body(const Task& t) {
  const auto* call = t.kernel.target<ComposedCall>();
  return call ? call->body.get() : nullptr;
}

constexpr int kNewLocal = std::numeric_limits<int>::min();

// `t`'s parts inside the new fused task: its argument i becomes source arg_map[i] (kNewLocal:
// the new on-chip tile); a fused task's own parts and local tiles carry over.
void add_parts(ComposedBody& into, const Task& t, const std::vector<int>& arg_map, int per_block) {
  const auto local_offset = static_cast<int>(into.locals.size());
  if (const ComposedBody* inner = composed_body(t)) {
    for (Part part : inner->parts) {
      for (int& s : part.source) s = s >= 0 ? arg_map[static_cast<std::size_t>(s)] : -1 - (local_offset + (-1 - s));
      part.blocks *= per_block;
      into.parts.push_back(std::move(part));
    }
    into.locals.insert(into.locals.end(), inner->locals.begin(), inner->locals.end());
    return;
  }
  into.parts.push_back(Part{t, arg_map, per_block});
}

// Axis i of grid `from` as an axis of grid `to`, whose extents are the same but for axes of
// extent 1 ([16] and [1, 16]); -1 for an axis of extent 1 (its one tile is the whole dim).
std::vector<int> axis_map(const BlockGrid& from, const BlockGrid& to) {
  std::vector<int> map(from.extents.size(), -1);
  std::size_t j = 0;
  for (std::size_t i = 0; i < from.extents.size(); ++i) {
    if (from.extents[i] == 1) continue;
    while (j < to.extents.size() && to.extents[j] == 1) ++j;
    map[i] = static_cast<int>(j++);
  }
  return map;
}

// An argument's tiles on the fused grid: a task running `per_block` of its blocks in each
// fused block covers `per_block` consecutive tiles (its grid has one axis: check_fusion);
// `axes` (when not empty) renames its grid's axes to the fused grid's.
std::vector<TileDim> fused_tiles(const Task& t, std::size_t arg, int per_block, const std::vector<int>& axes) {
  if (!tiled(t, arg)) return {};
  std::vector<TileDim> dims = t.tiles[arg];
  for (auto& d : dims) {
    if (d.axis < 0) continue;
    d.tile *= per_block;
    if (!axes.empty()) d = axes[static_cast<std::size_t>(d.axis)] < 0 ? TileDim{} : TileDim{axes[static_cast<std::size_t>(d.axis)], d.tile};
  }
  return dims;
}

std::string param_name(const Task& t, std::size_t arg, const std::string& prefix) {
  const std::string p = arg < t.params.size() && !t.params[arg].empty() ? t.params[arg] : "arg" + std::to_string(arg);
  return prefix + "." + p;
}

// Compute time of one block of `t` on the machine, to carry over at the fused task's rate.
double compute_ns(const Task& t, const Machine& machine) { return t.cost ? block_work(t, machine).compute_ns : 0.0; }

}  // namespace

std::optional<FusedParts> fused_parts(const Task& task) {
  const ComposedBody* body = composed_body(task);
  if (!body) return std::nullopt;
  FusedParts parts{body->parts.size(), body->locals.size(), 1};
  for (const Part& p : body->parts) parts.max_blocks_per_block = std::max(parts.max_blocks_per_block, p.blocks);
  return parts;
}

FusedTask fused_task(const Graph& graph, const Machine& machine, const FusionPlan& plan) {
  const Task& p = graph.task(plan.producer);
  const Task& c = graph.task(plan.consumer);
  FusedTask out;
  Task& f = out.task;
  f.id = c.id;
  f.name = p.name + "+" + c.name;
  f.kind = plan.kind;
  f.mix_slots = plan.mix_slots;
  f.block_num = plan.block_num;
  f.sync_start = p.sync_start || c.sync_start;
  f.scope = c.scope;
  f.kernel_name = p.kernel_name.empty() && c.kernel_name.empty() ? "" : p.kernel_name + "+" + c.kernel_name;
  for (TaskId a : p.after) f.after.push_back(a);
  for (TaskId a : c.after)
    if (a != p.id) f.after.push_back(a);

  // Arguments: the producer's, then the consumer's, without the carried ones.
  const std::string p_prefix = p.name == c.name ? "producer" : p.name, c_prefix = p.name == c.name ? "consumer" : c.name;
  const int kp = plan.producer_blocks_per_block, kc = plan.consumer_blocks_per_block;
  const bool any_tiles = !p.tiles.empty() || !c.tiles.empty();
  const bool any_dtypes = !p.expected_dtypes.empty() || !c.expected_dtypes.empty();
  // Equal grids but for axes of extent 1: the fused task takes the one with more axes.
  const bool same_shape = kp == 1 && kc == 1 && !p.grid.empty() && !c.grid.empty() && p.grid.extents != c.grid.extents;
  const bool take_c_grid = same_shape && c.grid.extents.size() > p.grid.extents.size();
  const std::vector<int> p_axes = same_shape && take_c_grid ? axis_map(p.grid, c.grid) : std::vector<int>{};
  const std::vector<int> c_axes = same_shape && !take_c_grid ? axis_map(c.grid, p.grid) : std::vector<int>{};
  std::vector<std::vector<TileDim>> tiles;
  auto add = [&](const Task& t, std::size_t i, int per_block, const std::vector<int>& axes, const std::string& prefix) {
    f.args.push_back(t.args[i]);
    f.params.push_back(param_name(t, i, prefix));
    tiles.push_back(fused_tiles(t, i, per_block, axes));
    if (any_dtypes) f.expected_dtypes.push_back(i < t.expected_dtypes.size() ? t.expected_dtypes[i] : std::nullopt);
    return static_cast<int>(f.args.size() - 1);
  };
  out.producer_arg.assign(p.args.size(), -1);
  out.consumer_arg.assign(c.args.size(), -1);
  for (std::size_t i = 0; i < p.args.size(); ++i) {
    const bool dropped = plan.on_chip && std::any_of(plan.carried.begin(), plan.carried.end(), [&](const CarriedArg& a) {
                           return a.producer_arg == static_cast<int>(i);
                         });
    if (!dropped) out.producer_arg[i] = add(p, i, kp, p_axes, p_prefix);
  }
  for (std::size_t j = 0; j < c.args.size(); ++j) {
    const bool carried = std::any_of(plan.carried.begin(), plan.carried.end(),
                                     [&](const CarriedArg& a) { return a.consumer_arg == static_cast<int>(j); });
    if (carried) continue;
    const Arg& a = c.args[j];
    // The same In read by both (a RoPE table, seq_lens) is one argument of the fused task.
    for (std::size_t k = 0; k < f.args.size() && a.access == Access::In; ++k) {
      const Arg& b = f.args[k];
      if (b.access == Access::In && b.view == a.view && b.infer == a.infer && tiles[k] == fused_tiles(c, j, kc, c_axes))
        out.consumer_arg[j] = static_cast<int>(k);
    }
    if (out.consumer_arg[j] < 0) out.consumer_arg[j] = add(c, j, kc, c_axes, c_prefix);
  }
  if (any_tiles && std::any_of(tiles.begin(), tiles.end(), [](const auto& t) { return !t.empty(); })) {
    f.tiles = std::move(tiles);
    if (kp == 1 && kc == 1)
      f.grid = take_c_grid || p.grid.empty() ? c.grid : p.grid;
    else
      f.grid = BlockGrid{{plan.block_num}};
  }

  // Cost: the sum of the blocks a fused block runs, at the fused task's rate.
  if (p.cost || c.cost) {
    CostHint hint;
    hint.working_set_bytes = plan.working_set_bytes;
    f.cost = CostHint{1.0, 0, 0, false};  // a probe: the fused task's ns per flop on this machine
    const double ns_per_flop = block_work(f, machine).compute_ns;
    double ns = plan.producer_blocks_per_block * compute_ns(p, machine) + plan.consumer_blocks_per_block * compute_ns(c, machine);
    hint.flops = ns_per_flop > 0 ? ns / ns_per_flop : 0;
    hint.bytes = plan.producer_blocks_per_block * (p.cost ? p.cost->bytes : 0) +
                 plan.consumer_blocks_per_block * (c.cost ? c.cost->bytes : 0);
    if (plan.on_chip) {  // the intermediate's GM round trip: the producer's write, the consumer's read
      const auto& [pi, ci] = plan.carried.front();
      const View& v = p.args[static_cast<std::size_t>(pi)].view;
      const double tile_bytes = tiled(p, static_cast<std::size_t>(pi))
                                    ? static_cast<double>(block_tile(v, p.tiles[static_cast<std::size_t>(pi)], p.grid, 0).bytes())
                                    : static_cast<double>(v.bytes());
      (void)ci;
      hint.bytes = std::max(0.0, hint.bytes - 2 * tile_bytes);
    }
    f.cost = hint;
    f.cost_given = true;
  }

  if (!p.kernel && !c.kernel) return out;
  // The composed descriptor: each part runs through its own kernel on its own tiles.
  // Any fused argument on the buffer gives its memory.
  auto on_buffer = [&](const View& v) {
    for (std::size_t k = 0; k < f.args.size(); ++k)
      if (&f.args[k].view.buffer() == &v.buffer()) return static_cast<int>(k);
    throw GraphError("fusing '" + p.label() + "' and '" + c.label() + "': no argument of the fused task is on buffer " +
                     v.buffer().name() + " (a bug in the transform)");
  };
  std::vector<int> p_map(p.args.size()), c_map(c.args.size());
  for (std::size_t i = 0; i < p.args.size(); ++i) p_map[i] = out.producer_arg[i] >= 0 ? out.producer_arg[i] : kNewLocal;
  for (std::size_t j = 0; j < c.args.size(); ++j)
    c_map[j] = out.consumer_arg[j] >= 0 ? out.consumer_arg[j] : plan.on_chip ? kNewLocal : on_buffer(c.args[j].view);
  auto body = std::make_shared<ComposedBody>();
  add_parts(*body, p, p_map, plan.producer_blocks_per_block);
  add_parts(*body, c, c_map, plan.consumer_blocks_per_block);
  if (plan.on_chip) {  // every part's argument on the intermediate names the local tile, whole
    const auto pa = static_cast<std::size_t>(plan.carried.front().producer_arg);
    const View& v = p.args[pa].view;
    const Shape tile = tiled(p, pa) ? block_tile(v, p.tiles[pa], p.grid, 0).sizes() : v.sizes();
    const int local = -1 - static_cast<int>(body->locals.size());
    body->locals.push_back(std::make_shared<const Buffer>(v.buffer().name() + "@block", v.dtype(), tile, Role::Staging));
    for (Part& part : body->parts)
      for (std::size_t i = 0; i < part.source.size(); ++i)
        if (part.source[i] == kNewLocal) {
          part.source[i] = local;
          part.task.args[i].view = View(*body->locals.back());
          if (!part.task.tiles.empty()) part.task.tiles[i].clear();
        }
  }
  KernelDescriptor d;
  d.name = p.kernel_name.empty() ? f.name : f.kernel_name;
  d.kind = f.kind;
  for (std::size_t i = 0; i < f.args.size(); ++i) {
    d.params.push_back(ParamSpec{f.params[i], f.args[i].access, {f.args[i].view.dtype()}, false});
    f.param_args.push_back(static_cast<int>(i));
  }
  d.body = ComposedCall{std::move(body)};
  f.kernel = d.body;
  f.descriptor = make_kernel(std::move(d));
  return out;
}

}  // namespace tg::tuning
