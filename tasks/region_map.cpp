#include "tasks/region_map.hpp"

#include <algorithm>
#include <array>

#include "tasks/region_index.hpp"

namespace tg {

// Per buffer: disjoint live boxes, each with its last writer and the readers since.
class BufferRegions {
 public:
  explicit BufferRegions(const Buffer& buffer) : index_(buffer.shape()) {}

  // The dependences of an access on one live region it intersects.
  static void edges_from(const RegionState& e, TaskId task, int arg, Access access, std::uint32_t buffer,
                         std::vector<Edge>& out) {
    if (reads(access) && e.has_writer && e.writer != task)
      out.push_back(Edge{e.writer, task, EdgeKind::Raw, buffer, e.writer_arg, arg});
    if (writes(access)) {
      if (!e.readers.empty()) {
        e.readers.for_each([&](const RegionReader& r) {
          if (r.task != task) out.push_back(Edge{r.task, task, EdgeKind::War, buffer, r.arg, arg});
        });
      } else if (e.has_writer && e.writer != task) {
        out.push_back(Edge{e.writer, task, EdgeKind::Waw, buffer, e.writer_arg, arg});
      }
    }
  }
  static void rewrite(RegionState& e, TaskId task, int arg) {
    e.has_writer = true;
    e.writer = task;
    e.writer_arg = arg;
    e.readers.clear();
  }

  // The dependences on the live regions a query that is no live box intersects. False when
  // there are none (a region never touched before).
  // Out of line: the exact path around its callers stays small.
  [[gnu::noinline]] bool collect_inexact(TaskId task, int arg, Access access, const Box& query, const RegionIndex::Rect& rect,
                       std::uint32_t buffer, std::vector<Edge>& out) {
    bool touched = false;
    index_.for_each_intersecting_inexact(query, rect, [&](const RegionState& e, const Box&, const Box&) {
      touched = true;
      edges_from(e, task, arg, access, buffer, out);
    });
    return touched;
  }
  void collect(TaskId task, int arg, Access access, const Box& query, std::uint32_t buffer, std::vector<Edge>& out) {
    const RegionIndex::Rect rect = index_.rect_of(query);
    if (const RegionState* exact = index_.find_exact(rect)) return edges_from(*exact, task, arg, access, buffer, out);
    collect_inexact(task, arg, access, query, rect, buffer, out);
  }

  // A region no live entry intersects joins as it is: read, or written.
  RegionState* insert_fresh(TaskId task, int arg, const Box& box, const RegionIndex::Rect& rect, bool written) {
    RegionState fresh;
    if (written) rewrite(fresh, task, arg);
    else fresh.readers.push_back({task, arg});
    return index_.insert(box, rect, std::move(fresh));
  }

  void record_read(TaskId task, int arg, const Box& query) {
    // Entries are disjoint, so the query is fully covered when the overlaps add up to it;
    // only then can the (allocating) subtraction of the uncovered rest be skipped.
    if (RegionState* exact = index_.find_exact(query)) return exact->readers.push_back({task, arg});
    std::int64_t covered = 0;
    index_.update_intersecting(query, [&](RegionState& e, const Box& box, const Box& overlap,
                                          std::vector<RegionEntry>& replacement) {
      covered += overlap.numel();
      if (contains(query, box)) {
        e.readers.push_back({task, arg});
        return false;  // keep e in place
      }
      RegionEntry inside{overlap, e};
      inside.state.readers.push_back({task, arg});
      replacement.push_back(std::move(inside));
      for (auto& piece : subtract(box, overlap)) replacement.push_back(RegionEntry{std::move(piece), e});
      return true;  // e is replaced
    });
    if (covered == query.numel()) return;
    // The entries inside the query now cover exactly what was covered before.
    std::vector<Box> uncovered{query};
    index_.for_each_intersecting(query, [&](const RegionState&, const Box&, const Box& overlap) {
      std::vector<Box> next;
      for (const auto& u : uncovered)
        for (auto& piece : subtract(u, overlap)) next.push_back(std::move(piece));
      uncovered.swap(next);
    });
    for (auto& box : uncovered) {
      RegionState fresh;
      fresh.readers.push_back({task, arg});
      index_.insert(box, std::move(fresh));
    }
  }

  void record_write(TaskId task, int arg, const Box& query) {
    if (RegionState* exact = index_.find_exact(query)) return rewrite(*exact, task, arg);
    index_.update_intersecting(query, [&](RegionState& e, const Box& box, const Box& overlap,
                                          std::vector<RegionEntry>& replacement) {
      for (auto& piece : subtract(box, overlap)) replacement.push_back(RegionEntry{std::move(piece), e});
      return true;
    });
    RegionState written;
    rewrite(written, task, arg);
    index_.insert(query, std::move(written));
  }

  std::size_t size() const { return index_.size(); }
  std::uint64_t candidates_considered() const { return index_.candidates_considered(); }
  RegionIndex& index() { return index_; }

 private:
  RegionIndex index_;
};

RegionMap::RegionMap() = default;
RegionMap::~RegionMap() = default;
RegionMap::RegionMap(RegionMap&&) noexcept = default;
RegionMap& RegionMap::operator=(RegionMap&&) noexcept = default;

namespace {
// Kept out of line so that the hot lookup in regions_of() stays a few instructions.
[[gnu::noinline]] BufferRegions& add_regions(std::vector<std::unique_ptr<BufferRegions>>& by_buffer, const Buffer& buffer) {
  if (by_buffer.size() <= buffer.id()) by_buffer.resize(buffer.id() + 1);
  auto& slot = by_buffer[buffer.id()];
  if (!slot) slot = std::make_unique<BufferRegions>(buffer);
  return *slot;
}
}  // namespace

BufferRegions& RegionMap::regions_of(const Buffer& buffer) {
  const std::uint32_t id = buffer.id();
  return id < by_buffer_.size() && by_buffer_[id] ? *by_buffer_[id] : add_regions(by_buffer_, buffer);
}

void RegionMap::access(TaskId task, std::span<const Arg> args, std::vector<Edge>& out) {
  // All edges are found against the state before this task, so a task that reads and
  // writes one region never depends on itself; then reads are recorded, then writes.
  // Views that are boxes (the common case) are used as they are; others are decomposed.
  // An argument that is one box exactly matching a live region (the common case: a tile
  // rewritten or read again, the whole buffer, a 1-D range met before) is looked up once;
  // its state stays valid for the later phases while the index's layout is unchanged.
  // Likewise a box that nothing live intersects (a fresh region) is inserted directly.
  struct Known {
    BufferRegions* regions;  // set for an argument that is one box and inferred
    RegionIndex::Rect rect;  // the box in the index's frame: computed once per argument
    RegionState* exact;      // the live region the argument is exactly, or null
    bool fresh;              // no live region intersects the argument
    std::uint64_t layout;
    bool current() const { return regions && regions->index().layout_version() == layout; }
  };
  const std::size_t n = args.size();
  // One argument that is exactly a live region: one lookup, its edges, its update (an
  // InOut's read is cleared by its write). The phases below would find the same.
  if (n == 1 && args[0].infer) {
    if (const Box* box = args[0].view.box()) {
      BufferRegions& regions = regions_of(args[0].view.buffer());
      RegionIndex& index = regions.index();
      if (RegionState* exact = index.find_exact(index.rect_of(*box))) {
        BufferRegions::edges_from(*exact, task, 0, args[0].access, args[0].view.buffer().id(), out);
        if (writes(args[0].access)) BufferRegions::rewrite(*exact, task, 0);
        else exact->readers.push_back({task, 0});
        return;
      }
    }
  }
  constexpr std::size_t kKnownArgs = 8;
  Known known[kKnownArgs];  // the first m entries are set by the first loop
  const std::size_t m = n < kKnownArgs ? n : kKnownArgs;
  auto for_boxes = [](const Arg& arg, auto&& fn) {
    if (const Box* box = arg.view.box()) {
      fn(*box);
    } else {
      for (const auto& b : arg.view.buffer_boxes()) fn(b);
    }
  };
  // Each box argument's rectangle, and the start of its hash line before the first lookup:
  // at 64k live regions each is a cache miss, and a task's misses then overlap.
  for (std::size_t i = 0; i < m; ++i) {
    const Arg& a = args[i];
    Known& k = known[i];
    k.regions = nullptr;
    const Box* box = a.view.box();
    if (!a.infer || !box) continue;
    k.regions = &regions_of(a.view.buffer());
    k.rect = k.regions->index().rect_of(*box);
    if (m > 1) k.regions->index().prefetch_exact(k.rect);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Arg& a = args[i];
    if (!a.infer) continue;
    const auto buffer_id = a.view.buffer().id();
    const int arg = static_cast<int>(i);
    if (i < m && known[i].regions) {
      Known& k = known[i];
      RegionIndex& index = k.regions->index();
      k.exact = index.find_exact(k.rect);
      k.fresh = false;
      k.layout = index.layout_version();
      if (k.exact) BufferRegions::edges_from(*k.exact, task, arg, a.access, buffer_id, out);
      else k.fresh = !k.regions->collect_inexact(task, arg, a.access, *a.view.box(), k.rect, buffer_id, out);
      continue;
    }
    auto& regions = regions_of(a.view.buffer());
    for_boxes(a, [&](const Box& b) { regions.collect(task, arg, a.access, b, buffer_id, out); });
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Arg& a = args[i];
    if (!a.infer || !reads(a.access)) continue;
    const int arg = static_cast<int>(i);
    if (i < m && known[i].current()) {
      Known& k = known[i];
      if (k.exact) {
        k.exact->readers.push_back({task, arg});
        continue;
      }
      if (k.fresh) {
        // Read first: an InOut then finds its own region exactly for the write.
        k.exact = k.regions->insert_fresh(task, arg, *a.view.box(), k.rect, false);
        k.fresh = false;
        k.layout = k.regions->index().layout_version();
        continue;
      }
    }
    auto& regions = regions_of(a.view.buffer());
    for_boxes(a, [&](const Box& b) { regions.record_read(task, arg, b); });
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Arg& a = args[i];
    if (!a.infer || !writes(a.access)) continue;
    const int arg = static_cast<int>(i);
    if (i < m && known[i].current()) {
      Known& k = known[i];
      if (k.exact) {
        BufferRegions::rewrite(*k.exact, task, arg);
        continue;
      }
      if (k.fresh) {
        k.regions->insert_fresh(task, arg, *a.view.box(), k.rect, true);
        continue;
      }
    }
    auto& regions = regions_of(a.view.buffer());
    for_boxes(a, [&](const Box& b) { regions.record_write(task, arg, b); });
  }
}

std::uint64_t RegionMap::candidates_considered() const {
  std::uint64_t n = 0;
  for (const auto& r : by_buffer_)
    if (r) n += r->candidates_considered();
  return n;
}

std::size_t RegionMap::live_regions() const {
  std::size_t n = 0;
  for (const auto& r : by_buffer_)
    if (r) n += r->size();
  return n;
}

}  // namespace tg
