#include "tuning/fusion_candidates.hpp"

#include <algorithm>
#include <set>

#include "tasks/block_tiles.hpp"
#include "tuning/fused_graph.hpp"
#include "tuning/fused_task.hpp"

namespace tg::tuning {
namespace {

std::string kib(std::uint64_t bytes) {
  const auto tenths = (bytes * 10 + 512) / 1024;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " KiB";
}

// What lint's capacity rule takes for one block: the hint's working set, or the args' bytes
// split over the blocks when the task gives none.
std::uint64_t working_set(const Task& t) {
  if (t.cost && t.cost->working_set_bytes > 0) return t.cost->working_set_bytes;
  std::uint64_t bytes = 0;
  for (const auto& a : t.args) bytes += a.view.bytes();
  const auto blocks = static_cast<std::uint64_t>(std::max(1, t.block_num));
  return (bytes + blocks - 1) / blocks;
}

std::int64_t overlap_numel(const View& a, const View& b) {
  if (!overlaps(a, b)) return 0;
  std::int64_t n = 0;
  for (const auto& x : a.buffer_boxes())
    for (const auto& y : b.buffer_boxes())
      if (auto both = intersect(x, y)) n += both->numel();
  return n;
}

bool tiled(const Task& t, int arg) { return !t.tiles.empty() && !t.tiles[static_cast<std::size_t>(arg)].empty(); }

// The part of argument `arg` block `block` works on; the whole view when the argument is
// not tiled (every block sees it whole).
View block_part(const Task& t, int arg, std::int64_t block) {
  const View& v = t.args[static_cast<std::size_t>(arg)].view;
  if (!tiled(t, arg)) return v;
  return block_tile(v, t.tiles[static_cast<std::size_t>(arg)], t.grid, block);
}

// The same part as a box in buffer coordinates, when the view is one (no reshape): no View
// is built, which is most of the cost of checking a grid of hundreds of blocks.
std::optional<Box> block_box(const Task& t, int arg, std::int64_t block) {
  const View& v = t.args[static_cast<std::size_t>(arg)].view;
  if (!v.box()) return std::nullopt;
  if (!tiled(t, arg)) return *v.box();
  const TileBox tile = block_tile_box(v, t.tiles[static_cast<std::size_t>(arg)], t.grid, block);
  Box b = *v.box();
  for (std::size_t d = 0; d < tile.sizes.size(); ++d) {
    b.offsets[d] += tile.offsets[d];
    b.sizes[d] = tile.sizes[d];
  }
  return b;
}

// Elements of the consumer's block `c_block` part of `in_arg` that the producer blocks
// [p_first, p_first + p_count) write through `out_arg`, and the elements of that part the
// producer writes at all.
std::pair<std::int64_t, std::int64_t> coverage(const Task& p, int out_arg, std::int64_t p_first, int p_count, const Task& c,
                                               int in_arg, std::int64_t c_block) {
  const View& whole_out = p.args[static_cast<std::size_t>(out_arg)].view;
  const auto in_box = block_box(c, in_arg, c_block);
  const auto out_box = whole_out.box();
  std::int64_t covered = 0;
  std::vector<Box> parts;
  for (int s = 0; s < p_count && in_box && out_box; ++s)
    if (auto part = block_box(p, out_arg, p_first + s)) parts.push_back(*part);
  if (in_box && out_box && static_cast<int>(parts.size()) == p_count) {
    for (const Box& part : parts)
      if (auto both = intersect(part, *in_box)) covered += both->numel();
    const auto written = intersect(*out_box, *in_box);
    return {covered, written ? written->numel() : 0};
  }
  const View in = block_part(c, in_arg, c_block);
  for (int s = 0; s < p_count; ++s) covered += overlap_numel(block_part(p, out_arg, p_first + s), in);
  return {covered, overlap_numel(whole_out, in)};
}

// Whether a task's blocks say which part of an argument each one touches: one block, tiles,
// or a task that declares tiles or a descriptor (its untiled arguments are whole per block).
bool blocks_known(const Task& t, int arg) { return t.block_num <= 1 || tiled(t, arg) || !t.tiles.empty() || t.descriptor; }

std::optional<std::pair<TaskKind, std::uint8_t>> fused_kind(const Task& p, const Task& c) {
  if (p.kind == TaskKind::Host || c.kind == TaskKind::Host) return std::nullopt;
  auto slots = [](const Task& t) -> std::uint8_t {
    switch (t.kind) {
      case TaskKind::Cube: return kSlotAic;
      case TaskKind::Vector: return kSlotAiv0;
      default: return t.mix_slots;
    }
  };
  if (p.kind == c.kind && p.kind != TaskKind::Mix) return std::pair{p.kind, kSlotAll};
  return std::pair{TaskKind::Mix, static_cast<std::uint8_t>(slots(p) | slots(c))};
}

std::string kinds_text(const Task& p, const Task& c, TaskKind kind) {
  if (p.kind == c.kind) return "same kind (" + std::string(name_of(kind)) + ")";
  return std::string(name_of(p.kind)) + " + " + std::string(name_of(c.kind)) + " as one MIX task";
}

class PairChecker {
 public:
  PairChecker(const Graph& g, const Machine& m, TaskId producer, TaskId consumer)
      : g_(g), m_(m), p_(g.task(producer)), c_(g.task(consumer)) {}

  FusionCheck run() {
    FusionPlan plan;
    plan.producer = p_.id;
    plan.consumer = c_.id;
    if (p_.id >= c_.id) return no("'" + p_.label() + "' is not submitted before '" + c_.label() + "'");
    if (auto why = find_carried(plan); !why.empty()) return no(why);
    if (auto why = check_conflicts(); !why.empty()) return no(why);
    if (auto why = check_order(plan); !why.empty()) return no(why);
    if (p_.scope != c_.scope) return no("'" + p_.label() + "' and '" + c_.label() + "' belong to different scopes");
    const auto kind = fused_kind(p_, c_);
    if (!kind) return no("a HOST task runs on the host, not on a core: '" + (p_.kind == TaskKind::Host ? p_ : c_).label() + "'");
    if (static_cast<bool>(p_.kernel) != static_cast<bool>(c_.kernel))
      return no("only '" + (p_.kernel ? p_ : c_).label() + "' has a kernel: the fused task could not run the other's");
    plan.kind = kind->first;
    plan.mix_slots = kind->second;
    if (auto why = check_grids(plan); !why.empty()) return no(why);
    if (auto why = check_blocks(plan); !why.empty()) return no(why);
    decide_on_chip(plan);
    if (auto why = check_capacity(plan); !why.empty()) return no(why);
    plan.reason = reason(plan);
    return FusionCheck{std::move(plan), {}};
  }

 private:
  FusionCheck no(std::string why) const { return FusionCheck{std::nullopt, std::move(why)}; }

  // The consumer's reads of what the producer writes, each wholly written by the producer.
  std::string find_carried(FusionPlan& plan) {
    std::set<std::string> names;
    for (int j = 0; j < static_cast<int>(c_.args.size()); ++j) {
      const Arg& in = c_.args[static_cast<std::size_t>(j)];
      if (!reads(in.access)) continue;
      std::int64_t written = 0;
      for (int i = 0; i < static_cast<int>(p_.args.size()); ++i) {
        const Arg& out = p_.args[static_cast<std::size_t>(i)];
        if (!writes(out.access)) continue;
        const std::int64_t n = overlap_numel(out.view, in.view);
        if (n == 0) continue;
        written += n;
        plan.carried.push_back({i, j});
        names.insert(out.view.buffer().name());
      }
      if (written > 0 && written < in.view.numel())
        return "'" + c_.label() + "' reads " + in.view.describe() + " (arg " + std::to_string(j) + "), only part of which '" +
               p_.label() + "' writes: the rest comes from GM, written by another task";
    }
    if (plan.carried.empty()) return "'" + c_.label() + "' reads nothing '" + p_.label() + "' writes: no intermediate to fuse over";
    plan.intermediates.assign(names.begin(), names.end());
    return {};
  }

  // One task cannot read and write overlapping regions through two arguments (lint's rule).
  std::string check_conflicts() const {
    for (std::size_t j = 0; j < c_.args.size(); ++j) {
      if (!writes(c_.args[j].access)) continue;
      for (const auto& a : p_.args)
        if (overlaps(a.view, c_.args[j].view))
          return "'" + c_.label() + "' writes " + c_.args[j].view.describe() + ", which '" + p_.label() + "' also " +
                 (writes(a.access) ? "writes" : "reads") + ": one task cannot hold both accesses";
    }
    return {};
  }

  // The fused task takes the consumer's place: nothing between them may depend on the producer.
  std::string check_order(const FusionPlan& plan) const {
    for (TaskId s : g_.successors(p_.id)) {
      if (s == c_.id || s > c_.id) continue;
      const Task& other = g_.task(s);
      for (const auto& carried : plan.carried) {
        const View& v = p_.args[static_cast<std::size_t>(carried.producer_arg)].view;
        for (const auto& a : other.args)
          if (reads(a.access) && overlaps(a.view, v))
            return "the intermediate " + v.buffer().name() + " has another reader, '" + other.label() + "', before '" +
                   c_.label() + "'";
      }
      return "'" + other.label() + "' depends on '" + p_.label() + "' and is submitted before '" + c_.label() +
             "': in the consumer's place, the fused task would run after a task that needs it";
    }
    return {};
  }

  std::string check_grids(FusionPlan& plan) const {
    const int bp = std::max(1, p_.block_num), bc = std::max(1, c_.block_num);
    auto squeezed = [](const BlockGrid& g) {  // axes of one block cut nothing
      std::vector<std::int64_t> e;
      for (auto x : g.extents)
        if (x != 1) e.push_back(x);
      return e;
    };
    if (bp == bc && !p_.grid.empty() && !c_.grid.empty() && squeezed(p_.grid) != squeezed(c_.grid))
      return "the grids of '" + p_.label() + "' and '" + c_.label() + "' have " + std::to_string(bp) +
             " blocks each but different shapes: the fused task would have no one grid for their tiles";
    if (bp == bc) {
      plan.block_num = bp;
    } else if (bc % bp == 0) {
      plan.block_num = bp;
      plan.consumer_blocks_per_block = bc / bp;
    } else if (bp % bc == 0) {
      plan.block_num = bc;
      plan.producer_blocks_per_block = bp / bc;
    } else {
      return "block grids do not divide: '" + p_.label() + "' has " + std::to_string(bp) + " blocks, '" + c_.label() +
             "' " + std::to_string(bc);
    }
    return {};
  }

  // Each fused block must read only intermediates its own producer sub-blocks wrote.
  std::string check_blocks(FusionPlan& plan) {
    const bool divide = plan.producer_blocks_per_block > 1 || plan.consumer_blocks_per_block > 1;
    // A fused task's on-chip tiles hold one of its blocks at a time.
    for (const auto& [t, k] : {std::pair{&p_, plan.producer_blocks_per_block}, std::pair{&c_, plan.consumer_blocks_per_block}})
      if (const auto parts = fused_parts(*t); parts && parts->local_tiles > 0 && k > 1)
        return "'" + t->label() + "' keeps an intermediate on chip per block: it fuses with another task only on the same grid";
    if (divide && (p_.grid.extents.size() > 1 || c_.grid.extents.size() > 1))
      return "the grids of '" + p_.label() + "' and '" + c_.label() + "' differ and one has more than one axis: such grids fuse only when equal";
    if (plan.block_num == 1) return {};  // one fused block runs every block of both, in order
    for (const auto& carried : plan.carried) {
      const bool known = blocks_known(p_, carried.producer_arg) && blocks_known(c_, carried.consumer_arg);
      if (!known) {
        if (!p_.kernel && !c_.kernel) {
          assumed_aligned_ = true;  // timing only: no kernel to get wrong
          continue;
        }
        return "the blocks of '" + p_.label() + "' and '" + c_.label() +
               "' do not say which part of the intermediate each touches: declare their tiles (tasks/block_tiles.hpp)";
      }
      for (std::int64_t f = 0; f < plan.block_num; ++f) {
        for (int sc = 0; sc < plan.consumer_blocks_per_block; ++sc) {
          const std::int64_t block = f * plan.consumer_blocks_per_block + sc;
          const auto [covered, written] = coverage(p_, carried.producer_arg, f * plan.producer_blocks_per_block,
                                                   plan.producer_blocks_per_block, c_, carried.consumer_arg, block);
          if (covered < written)
            return "block " + std::to_string(block) + " of '" + c_.label() + "' reads " +
                   block_part(c_, carried.consumer_arg, block).describe() + ", written by blocks of '" + p_.label() +
                   "' outside the fused block " + std::to_string(f);
        }
      }
    }
    return {};
  }

  // On chip: staging, one carried pair, the same per-block tile on both sides, no other task
  // touching it, and a body that can be pointed at a block-local buffer (descriptors both,
  // or no kernels at all).
  void decide_on_chip(FusionPlan& plan) {
    plan.on_chip = false;
    if (plan.carried.size() != 1 || plan.producer_blocks_per_block != 1 || plan.consumer_blocks_per_block != 1) return;
    const auto [pi, ci] = plan.carried.front();
    const Arg& out = p_.args[static_cast<std::size_t>(pi)];
    const Arg& in = c_.args[static_cast<std::size_t>(ci)];
    // An InOut producer reads the GM value first: the zeroed local tile would not hold it.
    if (out.access != Access::Out || out.view.buffer().role() != Role::Staging || !(out.view == in.view)) return;
    // A fused part that runs several blocks per fused block would see one tile for all of them.
    for (const Task* t : {&p_, &c_})
      if (const auto parts = fused_parts(*t); parts && parts->max_blocks_per_block > 1) return;
    const bool descriptors = p_.descriptor && c_.descriptor;
    if (!descriptors && (p_.kernel || c_.kernel)) return;
    if (tiled(p_, pi) != tiled(c_, ci)) return;
    Shape tile;
    for (std::int64_t b = 0; b < plan.block_num; ++b) {
      Shape sizes;
      if (const auto pb = block_box(p_, pi, b), cb = block_box(c_, ci, b); pb && cb) {
        if (!(*pb == *cb)) return;
        sizes = pb->sizes;
      } else {
        const View pv = block_part(p_, pi, b), cv = block_part(c_, ci, b);
        if (!(pv == cv)) return;
        sizes = pv.sizes();
      }
      if (b == 0) tile = sizes;
      if (sizes != tile) return;  // one local buffer shape for every block
    }
    auto touches = [&](TaskId t) {
      if (t == p_.id || t == c_.id) return false;
      for (const auto& a : g_.task(t).args)
        if (overlaps(a.view, out.view)) return true;
      return false;
    };
    for (TaskId t : g_.predecessors(p_.id)) if (touches(t)) return;
    for (TaskId t : g_.successors(p_.id)) if (touches(t)) return;
    for (TaskId t : g_.predecessors(c_.id)) if (touches(t)) return;
    for (TaskId t : g_.successors(c_.id)) if (touches(t)) return;
    plan.on_chip = true;
    local_tile_bytes_ = static_cast<std::uint64_t>(numel_of(tile)) * size_of(out.view.dtype());
  }

  std::string check_capacity(FusionPlan& plan) {
    const std::uint64_t wp = working_set(p_), wc = working_set(c_);
    const bool split = plan.kind == TaskKind::Mix && p_.kind != TaskKind::Mix && c_.kind != TaskKind::Mix && p_.kind != c_.kind;
    auto over = [&](const OnChipBuffer& buffer, std::uint64_t need, const std::string& what) -> std::string {
      if (buffer.bytes == 0 || need <= buffer.bytes) return {};
      return what + " working set of " + kib(need) + " per block exceeds the " + kib(buffer.bytes) + " " + buffer.name +
             " of machine '" + m_.name + "'";
    };
    if (split) {  // the cube part's tiles live in L1, the vector part's in UB
      const Task& cube = p_.kind == TaskKind::Cube ? p_ : c_;
      const Task& vec = p_.kind == TaskKind::Cube ? c_ : p_;
      Task probe;
      probe.kind = TaskKind::Cube;
      const auto l1 = onchip_buffer_for(probe, m_).value_or(OnChipBuffer{});
      probe.kind = TaskKind::Vector;
      plan.buffer = onchip_buffer_for(probe, m_).value_or(OnChipBuffer{});
      plan.working_set_bytes = working_set(vec);
      if (auto why = over(l1, working_set(cube), "the cube part's"); !why.empty()) return why;
      return over(plan.buffer, plan.working_set_bytes, "the vector part's");
    }
    Task probe;
    probe.kind = plan.kind;
    probe.mix_slots = plan.mix_slots;
    plan.buffer = onchip_buffer_for(probe, m_).value_or(OnChipBuffer{});
    // Sub-blocks run one after another, so one of each is on chip at a time; an on-chip
    // intermediate is counted by both tasks but held once.
    plan.working_set_bytes = wp + wc - std::min(wp + wc, plan.on_chip ? local_tile_bytes_ : 0);
    return over(plan.buffer, plan.working_set_bytes, "the combined");
  }

  std::string reason(const FusionPlan& plan) const {
    std::string r = kinds_text(p_, c_, plan.kind) + ", ";
    if (plan.producer_blocks_per_block == 1 && plan.consumer_blocks_per_block == 1)
      r += "same grid (" + std::to_string(plan.block_num) + " blocks)";
    else
      r += "grids divide (" + std::to_string(plan.block_num) + (plan.block_num == 1 ? " fused block, running " : " fused blocks, each running ") +
           std::to_string(std::max(plan.producer_blocks_per_block, plan.consumer_blocks_per_block)) + " of '" +
           (plan.producer_blocks_per_block > 1 ? p_ : c_).name + "')";
    std::string names;
    for (const auto& n : plan.intermediates) names += (names.empty() ? "" : ", ") + n;
    r += plan.on_chip ? ", " + names + " on chip (no other task touches it)" : ", " + names + " kept in GM";
    if (assumed_aligned_) r += " (blocks assumed aligned: no tiles declared)";
    if (plan.buffer.bytes) r += ", working set " + kib(plan.working_set_bytes) + " of " + kib(plan.buffer.bytes) + " " + plan.buffer.name;
    return r;
  }

  const Graph& g_;
  const Machine& m_;
  const Task& p_;
  const Task& c_;
  bool assumed_aligned_ = false;
  std::uint64_t local_tile_bytes_ = 0;
};

FusionCandidate candidate_of(const Graph& g, const FusionPlan& plan) {
  FusionCandidate c;
  c.chain = {plan.producer, plan.consumer};
  c.label = g.task(plan.producer).label() + " + " + g.task(plan.consumer).label();
  c.reason = plan.reason;
  c.intermediates = plan.intermediates;
  c.on_chip = plan.on_chip;
  c.kind = plan.kind;
  c.working_set_bytes = plan.working_set_bytes;
  c.buffer = plan.buffer;
  return c;
}

}  // namespace

FusionCheck check_fusion(const Graph& graph, const Machine& machine, TaskId producer, TaskId consumer) {
  if (producer >= graph.num_tasks() || consumer >= graph.num_tasks())
    return FusionCheck{std::nullopt, "task id " + std::to_string(std::max(producer, consumer)) + " is not in graph '" +
                                         graph.name() + "' (" + std::to_string(graph.num_tasks()) + " tasks)"};
  return PairChecker(graph, machine, producer, consumer).run();
}

std::string why_not(const Graph& graph, const Machine& machine, TaskId producer, TaskId consumer) {
  return check_fusion(graph, machine, producer, consumer).why_not;
}

std::vector<FusionCandidate> fusion_candidates(const Graph& graph, const Machine& machine, const CandidateOptions& options) {
  std::vector<FusionCandidate> pairs;
  std::vector<std::vector<std::size_t>> pairs_from(graph.num_tasks());
  for (const Task& t : graph.tasks())
    for (TaskId s : graph.successors(t.id))
      if (auto check = check_fusion(graph, machine, t.id, s); check.plan) {
        pairs_from[t.id].push_back(pairs.size());
        pairs.push_back(candidate_of(graph, *check.plan));
      }
  // Chains: extend a pair by a fusable consumer of its last task, checked on the fused graph.
  std::vector<FusionCandidate> chains;
  for (const auto& pair : pairs) {
    FusionCandidate chain = pair;
    while (static_cast<int>(chain.chain.size()) < options.max_chain) {
      const TaskId last = chain.chain.back();
      if (pairs_from[last].empty()) break;
      const FusedGraph fused = fuse(graph, machine, chain);
      bool extended = false;
      for (std::size_t next : pairs_from[last]) {
        const TaskId d = pairs[next].chain.back();
        const auto step = check_fusion(fused.graph, machine, fused.new_id[last], fused.new_id[d]);
        if (!step.plan) continue;
        chain.chain.push_back(d);
        chain.label += " + " + graph.task(d).label();
        chain.reason += "; then " + graph.task(d).label() + ": " + step.plan->reason;
        for (const auto& n : step.plan->intermediates) chain.intermediates.push_back(n);
        chain.on_chip = chain.on_chip && step.plan->on_chip;
        chain.kind = step.plan->kind;
        chain.working_set_bytes = step.plan->working_set_bytes;
        chain.buffer = step.plan->buffer;
        extended = true;
        break;
      }
      if (!extended) break;
    }
    if (chain.chain.size() > 2) chains.push_back(std::move(chain));
  }
  // A chain found from its first pair is found again from every later pair it contains.
  std::set<TaskId> chain_ends;
  for (auto& c : chains)
    if (chain_ends.insert(c.chain.back()).second) pairs.push_back(std::move(c));
  return pairs;
}

}  // namespace tg::tuning
