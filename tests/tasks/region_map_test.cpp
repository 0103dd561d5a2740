// The region map against a brute-force inference that knows nothing of boxes: per element
// of every buffer, the last writer and the readers since. Random 10^4-task scopes over
// each of the region index's fast paths (tiles of a regular tiling, whole buffers, 1-D
// ranges met again), general slices, all of them mixed with reshaped views and a rank-3
// buffer, and scopes with thousands of live regions (regrids, reserved slots) must give
// exactly the same edges, provenance (kind, buffer, both argument indices) included.
#include "tasks/region_map.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>
#include <tuple>

namespace {

using namespace tg;

using EdgeKey = std::tuple<TaskId, TaskId, int, std::uint32_t, int, int>;

EdgeKey key_of(const Edge& e) { return {e.from, e.to, static_cast<int>(e.kind), e.buffer, e.from_arg, e.to_arg}; }

// Flat element offsets of a view, from its base and strides (not from its boxes).
std::vector<std::int64_t> elements_of(const View& v) {
  std::vector<std::int64_t> out;
  std::vector<std::int64_t> index(static_cast<std::size_t>(v.rank()), 0);
  for (std::int64_t k = 0; k < v.numel(); ++k) {
    std::int64_t flat = v.base();
    for (int d = 0; d < v.rank(); ++d) flat += index[static_cast<std::size_t>(d)] * v.strides()[static_cast<std::size_t>(d)];
    out.push_back(flat);
    for (int d = v.rank() - 1; d >= 0; --d) {
      if (++index[static_cast<std::size_t>(d)] < v.size(d)) break;
      index[static_cast<std::size_t>(d)] = 0;
    }
  }
  return out;
}

// Per element: the last writer and the readers since, as inference defines them.
class BruteForce {
 public:
  void access(TaskId task, const std::vector<Arg>& args, std::set<EdgeKey>& edges) {
    struct Reader {
      TaskId task;
      int arg;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (!args[i].infer) continue;
      const auto buffer = args[i].view.buffer().id();
      const int arg = static_cast<int>(i);
      for (std::int64_t x : elements_of(args[i].view)) {
        const Element& e = element(buffer, x);
        if (reads(args[i].access) && e.writer)
          edges.insert({e.writer->first, task, static_cast<int>(EdgeKind::Raw), buffer, e.writer->second, arg});
        if (!writes(args[i].access)) continue;
        if (!e.readers.empty()) {
          for (const auto& [t, a] : e.readers) edges.insert({t, task, static_cast<int>(EdgeKind::War), buffer, a, arg});
        } else if (e.writer) {
          edges.insert({e.writer->first, task, static_cast<int>(EdgeKind::Waw), buffer, e.writer->second, arg});
        }
      }
    }
    for (std::size_t i = 0; i < args.size(); ++i)
      if (args[i].infer && reads(args[i].access))
        for (std::int64_t x : elements_of(args[i].view))
          element(args[i].view.buffer().id(), x).readers.emplace_back(task, static_cast<int>(i));
    for (std::size_t i = 0; i < args.size(); ++i)
      if (args[i].infer && writes(args[i].access))
        for (std::int64_t x : elements_of(args[i].view)) {
          Element& e = element(args[i].view.buffer().id(), x);
          e.writer = {task, static_cast<int>(i)};
          e.readers.clear();
        }
  }

 private:
  struct Element {
    std::optional<std::pair<TaskId, int>> writer;
    std::vector<std::pair<TaskId, int>> readers;
  };
  Element& element(std::uint32_t buffer, std::int64_t x) {
    if (state_.size() <= buffer) state_.resize(buffer + 1);
    auto& b = state_[buffer];
    if (b.size() <= static_cast<std::size_t>(x)) b.resize(static_cast<std::size_t>(x) + 1);
    return b[static_cast<std::size_t>(x)];
  }
  std::vector<std::vector<Element>> state_;
};

enum class Views { Tiles, WholeBuffers, Ranges1D, Slices, Mixed, ManyTiles };

struct Buffers {
  std::vector<std::unique_ptr<Buffer>> owned;
  std::vector<View> whole;
  Buffers(Views views) {
    const std::vector<Shape> shapes = views == Views::Ranges1D    ? std::vector<Shape>{{256}, {256}}
                                      : views == Views::Mixed     ? std::vector<Shape>{{16, 32}, {256}, {2, 8, 8}}
                                      : views == Views::ManyTiles ? std::vector<Shape>{{64, 512}, {4096}}
                                                                  : std::vector<Shape>{{16, 32}, {16, 32}, {16, 32}};
    for (std::size_t b = 0; b < shapes.size(); ++b) {
      owned.push_back(std::make_unique<Buffer>("b" + std::to_string(b), INT32, shapes[b], Role::InOut,
                                               static_cast<std::uint32_t>(b)));
      whole.emplace_back(*owned.back());
    }
  }
};

View random_view(const View& v, Views views, std::mt19937& rng) {
  auto pick = [&](std::int64_t n) { return static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(n)); };
  if (views == Views::ManyTiles) {
    // Thousands of live regions, so the index regrids as the typical box changes size
    // (its cells are sized from a sample of the live boxes): tiles of three tilings,
    // cells of a 1-D buffer, and now and then a straddling slice.
    if (v.rank() == 1) return pick(16) ? v.slice({pick(4096)}, {1}) : v.slice({64 * pick(63)}, {1 + pick(128)});
    switch (pick(8)) {
      case 0: return v.slice({pick(60), pick(500)}, {1 + pick(4), 1 + pick(12)});
      case 1: case 2: return v.slice({8 * pick(8), 16 * pick(32)}, {8, 16});
      default: return v.slice({2 * pick(32), 4 * pick(128)}, {2, 4});
    }
  }
  if (views == Views::Mixed) views = static_cast<Views>(pick(5));
  if (v.rank() == 1) {
    // Ranges from a few fixed cuts meet again exactly, and sometimes straddle.
    static constexpr std::int64_t cuts[] = {0, 16, 32, 64, 96, 160, 256};
    if (views == Views::WholeBuffers) return v;
    if (views == Views::Slices) {
      const std::int64_t a = pick(255);
      return v.slice({a}, {1 + pick(256 - a)});
    }
    const std::size_t a = rng() % 6, b = a + 1 + rng() % (6 - a);
    return v.slice({cuts[a]}, {cuts[b] - cuts[a]});
  }
  if (v.rank() == 3) {
    if (views == Views::WholeBuffers) return v;
    if (views == Views::Mixed || views == Views::Ranges1D)  // a reshaped view: rows of one plane, flat
      return v.slice({pick(2), 0, 0}, {1, 8, 8}).reshape({64}).slice({8 * pick(4)}, {8 * (1 + pick(4))});
    const std::int64_t p = pick(2), r = pick(8), c = pick(8);
    return v.slice({p, r, c}, {1 + pick(2 - p), 1 + pick(8 - r), 1 + pick(8 - c)});
  }
  switch (views) {
    case Views::Tiles: return v.slice({4 * pick(4), 8 * pick(4)}, {4, 8});
    case Views::WholeBuffers: return v;
    case Views::Ranges1D: return v.rows(2 * pick(4), 2 * (1 + pick(4)));  // row ranges: 1-D in the flat order
    default: break;
  }
  if (views == Views::Mixed && pick(8) == 0) return v.rows(4 * pick(4), 4).reshape({4 * 32});  // reshaped, no box
  const std::int64_t r = pick(16), c = pick(32);
  return v.slice({r, c}, {1 + pick(16 - r), 1 + pick(32 - c)});
}

void expect_same_edges_as_brute_force(Views views, std::uint32_t seed, int tasks) {
  std::mt19937 rng(seed);
  Buffers buffers(views);
  RegionMap map;
  BruteForce brute;
  std::set<EdgeKey> expected, found;
  std::vector<Edge> edges;
  for (int t = 0; t < tasks; ++t) {
    std::vector<Arg> args;
    const int n_args = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n_args; ++i) {
      const View v = random_view(buffers.whole[rng() % buffers.whole.size()], views, rng);
      const unsigned mode = rng() % 8;
      Arg a = mode < 3 ? In(v) : mode < 5 ? Out(v) : InOut(v);
      if (mode == 7) a = NoDep(std::move(a));
      args.push_back(std::move(a));
    }
    edges.clear();
    map.access(static_cast<TaskId>(t), args, edges);
    for (const Edge& e : edges) {
      ASSERT_NE(e.from, e.to) << "task " << t << " depends on itself";
      found.insert(key_of(e));
    }
    brute.access(static_cast<TaskId>(t), args, expected);
    if (t % 1000 == 999 || t + 1 == tasks) {
      ASSERT_EQ(found, expected) << "views " << static_cast<int>(views) << " seed " << seed << " after task " << t;
    }
  }
  if (tasks >= 1000) {  // the scopes do have dependences
    EXPECT_GT(expected.size(), static_cast<std::size_t>(tasks) / 2);
  }
  if (views == Views::ManyTiles) {
    EXPECT_GT(map.live_regions(), 2000u) << "the scope must hold enough regions to regrid";
  }
}

TEST(RegionMap, TiledScopesMatchBruteForce) { expect_same_edges_as_brute_force(Views::Tiles, 1, 10000); }
TEST(RegionMap, WholeBufferScopesMatchBruteForce) { expect_same_edges_as_brute_force(Views::WholeBuffers, 2, 10000); }
TEST(RegionMap, OneDimensionalRangeScopesMatchBruteForce) { expect_same_edges_as_brute_force(Views::Ranges1D, 3, 10000); }
TEST(RegionMap, SliceScopesMatchBruteForce) { expect_same_edges_as_brute_force(Views::Slices, 4, 10000); }
TEST(RegionMap, MixedScopesMatchBruteForce) {
  for (std::uint32_t seed = 5; seed < 8; ++seed) expect_same_edges_as_brute_force(Views::Mixed, seed, 10000);
}

TEST(RegionMap, ManyTileScopesMatchBruteForce) {
  for (std::uint32_t seed = 8; seed < 10; ++seed) expect_same_edges_as_brute_force(Views::ManyTiles, seed, 10000);
}

// Many small scopes: the first accesses of each buffer (fresh regions, the first regrids).
TEST(RegionMap, SmallMixedScopesMatchBruteForce) {
  for (std::uint32_t seed = 100; seed < 400; ++seed) expect_same_edges_as_brute_force(Views::Mixed, seed, 1 + seed % 70);
}

// The fast path's entry stays right when an earlier argument of the same task reshapes the
// index (a straddling read splits regions) before a later one reuses its lookup.
TEST(RegionMap, LaterArgumentSeesTheLayoutAnEarlierOneChanged) {
  Buffer buffer("b", INT32, {8, 8}, Role::InOut);
  const View whole(buffer);
  RegionMap map;
  std::vector<Edge> edges;
  const std::vector<Arg> first{Out(whole.rows(0, 4)), Out(whole.rows(4, 4))};
  map.access(0, first, edges);
  const std::vector<Arg> second{InOut(whole.rows(0, 4)), In(whole.slice({2, 0}, {4, 8}))};
  map.access(1, second, edges);
  const std::vector<Arg> third{Out(whole.rows(0, 4))};
  edges.clear();
  map.access(2, third, edges);
  std::set<EdgeKey> got;
  for (const Edge& e : edges) got.insert(key_of(e));
  // Task 1's write (arg 0) came after its reads, so rows 0..4 hold its write and no reader.
  const std::set<EdgeKey> want{{1, 2, static_cast<int>(EdgeKind::Waw), 0, 0, 0}};
  EXPECT_EQ(got, want);
}

}  // namespace
