#include "tasks/region_map.hpp"

#include <algorithm>
#include <array>

#include "tasks/region_index.hpp"

namespace tg {

// Per buffer: disjoint live boxes, each with its last writer and the readers since.
class BufferRegions {
 public:
  explicit BufferRegions(const Buffer& buffer) : index_(buffer.shape()) {}

  // The dependences of an access on one live entry it intersects.
  static void edges_from(const RegionEntry& e, TaskId task, int arg, Access access,
                         std::uint32_t buffer, std::vector<Edge>& out) {
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
  static void rewrite(RegionEntry& e, TaskId task, int arg) {
    e.has_writer = true;
    e.writer = task;
    e.writer_arg = arg;
    e.readers.clear();
  }

  // False when no live entry intersects `query` (a region never touched before).
  bool collect(TaskId task, int arg, Access access, const Box& query, std::uint32_t buffer,
               std::vector<Edge>& out) {
    if (const RegionEntry* exact = index_.find_exact(query)) {
      edges_from(*exact, task, arg, access, buffer, out);
      return true;
    }
    bool touched = false;
    index_.for_each_intersecting(query, [&](const RegionEntry& e, const Box&) {
      touched = true;
      edges_from(e, task, arg, access, buffer, out);
    });
    return touched;
  }

  // A region no live entry intersects joins as it is: read, or written.
  void insert_fresh(TaskId task, int arg, const Box& box, bool written) {
    RegionEntry fresh;
    fresh.box = box;
    if (written) rewrite(fresh, task, arg);
    else fresh.readers.push_back({task, arg});
    index_.insert(std::move(fresh));
  }

  void record_read(TaskId task, int arg, const Box& query) {
    // Entries are disjoint, so the query is fully covered when the overlaps add up to it;
    // only then can the (allocating) subtraction of the uncovered rest be skipped.
    if (RegionEntry* exact = index_.find_exact(query)) return exact->readers.push_back({task, arg});
    std::int64_t covered = 0;
    index_.update_intersecting(query, [&](RegionEntry& e, const Box& overlap, std::vector<RegionEntry>& replacement) {
      covered += overlap.numel();
      if (contains(query, e.box)) {
        e.readers.push_back({task, arg});
        return false;  // keep e in place
      }
      RegionEntry inside = e;
      inside.box = overlap;
      inside.readers.push_back({task, arg});
      replacement.push_back(std::move(inside));
      for (auto& piece : subtract(e.box, overlap)) {
        RegionEntry outside = e;
        outside.box = std::move(piece);
        replacement.push_back(std::move(outside));
      }
      return true;  // e is replaced
    });
    if (covered == query.numel()) return;
    // The entries inside the query now cover exactly what was covered before.
    std::vector<Box> uncovered{query};
    index_.for_each_intersecting(query, [&](const RegionEntry& e, const Box& overlap) {
      (void)e;
      std::vector<Box> next;
      for (const auto& u : uncovered)
        for (auto& piece : subtract(u, overlap)) next.push_back(std::move(piece));
      uncovered.swap(next);
    });
    for (auto& box : uncovered) {
      RegionEntry fresh;
      fresh.box = std::move(box);
      fresh.readers.push_back({task, arg});
      index_.insert(std::move(fresh));
    }
  }

  void record_write(TaskId task, int arg, const Box& query) {
    if (RegionEntry* exact = index_.find_exact(query)) return rewrite(*exact, task, arg);
    bool reused = false;
    index_.update_intersecting(query, [&](RegionEntry& e, const Box& overlap, std::vector<RegionEntry>& replacement) {
      if (e.box == query) {  // the common case of rewriting a tile: update in place
        rewrite(e, task, arg);
        reused = true;
        return false;
      }
      for (auto& piece : subtract(e.box, overlap)) {
        RegionEntry outside = e;
        outside.box = std::move(piece);
        replacement.push_back(std::move(outside));
      }
      return true;
    });
    if (reused) return;
    RegionEntry written;
    written.box = query;
    written.has_writer = true;
    written.writer = task;
    written.writer_arg = arg;
    index_.insert(std::move(written));
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

BufferRegions& RegionMap::regions_of(const Buffer& buffer) {
  if (by_buffer_.size() <= buffer.id()) by_buffer_.resize(buffer.id() + 1);
  auto& slot = by_buffer_[buffer.id()];
  if (!slot) slot = std::make_unique<BufferRegions>(buffer);
  return *slot;
}

void RegionMap::access(TaskId task, std::span<const Arg> args, std::vector<Edge>& out) {
  // All edges are found against the state before this task, so a task that reads and
  // writes one region never depends on itself; then reads are recorded, then writes.
  // Views that are boxes (the common case) are used as they are; others are decomposed.
  // An argument that is one box exactly matching a live entry (the common case: a tile
  // rewritten or read again) is looked up once; the entry stays valid for the later phases
  // while the index's layout is unchanged.
  // Likewise a box that nothing live intersects (a fresh region) is inserted directly.
  struct Known {
    BufferRegions* regions = nullptr;
    RegionEntry* exact = nullptr;
    bool fresh = false;
    std::uint64_t layout = 0;
    bool current() const { return regions && regions->index().layout_version() == layout; }
  };
  constexpr std::size_t kKnownArgs = 8;
  std::array<Known, kKnownArgs> known{};
  auto exact_now = [&](std::size_t i) -> RegionEntry* {
    return i < kKnownArgs && known[i].exact && known[i].current() ? known[i].exact : nullptr;
  };
  auto fresh_now = [&](std::size_t i) { return i < kKnownArgs && known[i].fresh && known[i].current(); };
  auto for_boxes = [](const Arg& arg, auto&& fn) {
    if (const auto& box = arg.view.box()) {
      fn(*box);
    } else {
      for (const auto& b : arg.view.buffer_boxes()) fn(b);
    }
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!args[i].infer) continue;
    auto& regions = regions_of(args[i].view.buffer());
    const auto buffer_id = args[i].view.buffer().id();
    const int arg = static_cast<int>(i);
    if (const auto& box = args[i].view.box(); box && i < kKnownArgs) {
      known[i] = Known{&regions, regions.index().find_exact(*box), false, regions.index().layout_version()};
      if (known[i].exact) {
        BufferRegions::edges_from(*known[i].exact, task, arg, args[i].access, buffer_id, out);
      } else {
        known[i].fresh = !regions.collect(task, arg, args[i].access, *box, buffer_id, out);
      }
      continue;
    }
    for_boxes(args[i], [&](const Box& b) { regions.collect(task, arg, args[i].access, b, buffer_id, out); });
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!args[i].infer || !reads(args[i].access)) continue;
    if (RegionEntry* e = exact_now(i)) {
      e->readers.push_back({task, static_cast<int>(i)});
      continue;
    }
    if (fresh_now(i)) {
      // Read first: an InOut then finds its own entry exactly for the write.
      auto& regions = *known[i].regions;
      regions.insert_fresh(task, static_cast<int>(i), *args[i].view.box(), false);
      known[i] = Known{&regions, regions.index().find_exact(*args[i].view.box()), false, regions.index().layout_version()};
      continue;
    }
    auto& regions = regions_of(args[i].view.buffer());
    for_boxes(args[i], [&](const Box& b) { regions.record_read(task, static_cast<int>(i), b); });
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!args[i].infer || !writes(args[i].access)) continue;
    if (RegionEntry* e = exact_now(i)) {
      BufferRegions::rewrite(*e, task, static_cast<int>(i));
      continue;
    }
    if (fresh_now(i)) {
      known[i].regions->insert_fresh(task, static_cast<int>(i), *args[i].view.box(), true);
      continue;
    }
    auto& regions = regions_of(args[i].view.buffer());
    for_boxes(args[i], [&](const Box& b) { regions.record_write(task, static_cast<int>(i), b); });
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
