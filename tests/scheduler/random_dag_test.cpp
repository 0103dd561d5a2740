// Random-DAG equivalence: random scopes of tasks that read and write random slices of a
// few buffers with deterministic integer kernels. Running them on the host executor with
// 1, 2 and 4 threads must give results bit-identical to running the tasks one by one in
// submission order. A missing RAW, WAR or WAW edge shows up as a different result.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "scheduler/host_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

struct RandomScope {
  Graph graph;
};

// Element k of a rank-1 or rank-2 view: row-major over the view.
std::int32_t& element(const View& v, std::int64_t k) {
  if (v.rank() == 1) return v.at<std::int32_t>({k});
  return v.at<std::int32_t>({k / v.size(1), k % v.size(1)});
}

// out[i] = out[i] * 3 + sum of all inputs' elements + task salt (mod 2^32 arithmetic).
void integer_kernel(const TaskContext& c, std::uint32_t salt) {
  std::uint32_t acc = salt;
  for (std::size_t a = 0; a < c.num_args(); ++a) {
    const Arg& arg = c.task().args[a];
    if (!reads(arg.access)) continue;
    const View v = c.view(a);
    for (std::int64_t k = 0; k < v.numel(); ++k) acc = acc * 31u + static_cast<std::uint32_t>(element(v, k));
  }
  for (std::size_t a = 0; a < c.num_args(); ++a) {
    const Arg& arg = c.task().args[a];
    if (!writes(arg.access)) continue;
    const View v = c.view(a);
    // SPMD: block b owns rows b, b + block_num, ... of each output (elements, for rank 1).
    const std::int64_t rows = v.rank() == 1 ? v.numel() : v.size(0), cols = v.numel() / rows;
    for (std::int64_t i = c.block_idx(); i < rows; i += c.block_num())
      for (std::int64_t j = 0; j < cols; ++j) {
        auto& x = element(v, i * cols + j);
        x = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) * 3u + acc + static_cast<std::uint32_t>(i * 7 + j));
      }
  }
}

// Which views the tasks touch. Slices: any box of an 8 x 8 buffer. The others are the
// dependency inference's fast paths (an argument that is exactly a live region): tiles of
// a regular 2 x 4 tiling, whole buffers, 1-D ranges of a rank-1 buffer from a few fixed
// cuts (so ranges meet again exactly, and sometimes straddle).
enum class Views { Slices, Tiles, WholeBuffers, Ranges1D };

// Mixed edges: besides the inferred ones, a task may name up to two earlier tasks with
// after() and read what they left in `side` (a word per task that no argument declares, so
// only the explicit edge orders the write before the read). A missing explicit edge, or
// one the executor does not respect, shows up as a different `side` or buffer result.
struct SideChannel {
  std::vector<std::uint32_t> words;
};

Graph make_random_scope(std::mt19937& rng, int max_tasks, Views views = Views::Slices, SideChannel* side = nullptr) {
  Scope s{"random"};
  std::vector<View> bufs;
  const int n_bufs = 1 + static_cast<int>(rng() % 3);
  for (int b = 0; b < n_bufs; ++b) {
    if (views == Views::Ranges1D) bufs.push_back(s.inout("b" + std::to_string(b), {64}, INT32));
    else bufs.push_back(s.inout("b" + std::to_string(b), {8, 8}, INT32));
  }
  auto rand_slice = [&](const View& v) -> View {
    switch (views) {
      case Views::Tiles: return v.slice({2 * static_cast<std::int64_t>(rng() % 4), 4 * static_cast<std::int64_t>(rng() % 2)}, {2, 4});
      case Views::WholeBuffers: return v;
      case Views::Ranges1D: {
        static constexpr std::int64_t cuts[] = {0, 8, 16, 24, 40, 64};
        const std::size_t a = rng() % 5, b = a + 1 + rng() % (5 - a);
        return v.slice({cuts[a]}, {cuts[b] - cuts[a]});
      }
      case Views::Slices: break;
    }
    const std::int64_t r0 = rng() % 8, c0 = rng() % 8;
    const std::int64_t rs = 1 + rng() % (8 - r0), cs = 1 + rng() % (8 - c0);
    return v.slice({r0, c0}, {rs, cs});
  };
  // max_tasks < 0: exactly -max_tasks tasks.
  const int n_tasks = max_tasks < 0 ? -max_tasks : 1 + static_cast<int>(rng() % static_cast<unsigned>(max_tasks));
  if (side) side->words.assign(static_cast<std::size_t>(n_tasks), 0);
  for (int t = 0; t < n_tasks; ++t) {
    std::vector<Arg> args;
    const int n_in = static_cast<int>(rng() % 3);
    for (int i = 0; i < n_in; ++i) args.push_back(In(rand_slice(bufs[rng() % bufs.size()])));
    // One written arg (Out or InOut); a second one on a different buffer sometimes.
    const std::size_t wb = rng() % bufs.size();
    args.push_back(rng() % 2 ? Out(rand_slice(bufs[wb])) : InOut(rand_slice(bufs[wb])));
    if (bufs.size() > 1 && rng() % 4 == 0) args.push_back(InOut(rand_slice(bufs[(wb + 1) % bufs.size()])));
    const std::uint32_t salt = static_cast<std::uint32_t>(t * 2654435761u);
    const bool spmd = rng() % 4 == 0;
    std::vector<TaskId> explicit_preds;
    if (side && t > 0)
      for (int k = static_cast<int>(rng() % 3); k > 0; --k) explicit_preds.push_back(static_cast<TaskId>(t - 1 - static_cast<int>(rng() % std::min(t, 16))));
    // An SPMD task's blocks write disjoint rows; the reads happen before any write of
    // the same task only when the task does not read what it writes, so SPMD tasks read
    // nothing here.
    if (spmd) {
      std::vector<Arg> outs;
      for (auto& a : args)
        if (writes(a.access)) outs.push_back(Out(a.view));
      auto task = s.vector("spmd", std::move(outs), [salt](const TaskContext& c) { integer_kernel(c, salt); });
      task.blocks(1 + static_cast<int>(rng() % 4));
      for (TaskId p : explicit_preds) task.after(p);
    } else if (side) {
      // Reads its explicit predecessors' side words into the salt, then leaves its own.
      auto task = s.vector("mixed", std::move(args), [salt, side, explicit_preds, t](const TaskContext& c) {
        std::uint32_t mixed = salt;
        for (TaskId p : explicit_preds) mixed = mixed * 131u + side->words[p];
        integer_kernel(c, mixed);
        side->words[static_cast<std::size_t>(t)] = mixed * 7u + 1u;
      });
      for (TaskId p : explicit_preds) task.after(p);
    } else {
      s.vector("task", std::move(args), [salt](const TaskContext& c) { integer_kernel(c, salt); });
    }
  }
  // Random args alias inside one task on purpose (the kernel handles them in order); the
  // property under test is the edges between tasks, so finalize does not refuse them.
  return s.finalize({.lint = Lint::Off});
}

// One InOut tensor per buffer, bound.
struct Memory {
  std::vector<Tensor> tensors;
  Bindings bindings;
  explicit Memory(const Graph& g) : bindings(g) {
    for (const auto& b : g.buffers()) {
      tensors.emplace_back(b->name(), b->dtype(), b->shape());
      bindings.bind(b->name(), tensors.back());
    }
  }
};

std::vector<std::int32_t> snapshot(const Memory& m) {
  std::vector<std::int32_t> all;
  for (const auto& t : m.tensors) {
    const auto* p = t.data_as<std::int32_t>();
    all.insert(all.end(), p, p + t.numel());
  }
  return all;
}

void reset(const Memory& m, std::uint32_t seed) {
  std::mt19937 rng(seed);
  for (const auto& t : m.tensors) {
    auto* p = t.data_as<std::int32_t>();
    for (std::int64_t i = 0; i < t.numel(); ++i) p[i] = static_cast<std::int32_t>(rng());
  }
}

void run_sequentially(const Graph& g, Memory& m) {
  const auto table = m.bindings.memory_for(g);
  for (const auto& t : g.tasks())
    for (int b = 0; b < t.block_num; ++b) t.kernel(TaskContext(t, b, table.data()));
}

int scope_count() {
  // Fewer scopes under ThreadSanitizer, which is ~10x slower.
  if (const char* env = std::getenv("TG_RANDOM_DAG_SCOPES")) return std::atoi(env);
  return 1000;
}

// Runs `g` sequentially and on 1, 2 and 4 threads: all results must be bit-identical.
struct Executors {
  HostExecutor one{1}, two{2}, four{4};
};

void expect_executors_match_sequential(Executors& ex, const Graph& g, std::uint32_t seed, const std::string& what,
                                       SideChannel* side = nullptr) {
  g.verify();
  Memory memory(g);
  auto snapshot_all = [&] {
    std::vector<std::int32_t> all = snapshot(memory);
    if (side)
      for (std::uint32_t w : side->words) all.push_back(static_cast<std::int32_t>(w));
    return all;
  };
  auto reset_all = [&] {
    reset(memory, seed);
    if (side) std::fill(side->words.begin(), side->words.end(), 0u);
  };
  reset_all();
  run_sequentially(g, memory);
  const auto expected = snapshot_all();
  for (HostExecutor* e : {&ex.one, &ex.two, &ex.four}) {
    reset_all();
    e->run(g, memory.bindings);
    ASSERT_EQ(snapshot_all(), expected) << what << " with " << e->threads() << " threads";
  }
}

TEST(RandomDag, HostExecutorMatchesSequentialExecution) {
  std::mt19937 rng(77);
  Executors ex;
  const int scopes = scope_count();
  for (int i = 0; i < scopes; ++i) {
    Graph g = make_random_scope(rng, 64);
    expect_executors_match_sequential(ex, g, static_cast<std::uint32_t>(rng()), "scope " + std::to_string(i));
    if (HasFatalFailure()) return;
  }
}

// Each fast path of inference (exact live regions) must give the same edges' effect.
TEST(RandomDag, FastPathScopesMatchSequentialExecution) {
  std::mt19937 rng(78);
  Executors ex;
  const int scopes = std::max(1, scope_count() / 4);
  for (Views views : {Views::Tiles, Views::WholeBuffers, Views::Ranges1D}) {
    for (int i = 0; i < scopes; ++i) {
      Graph g = make_random_scope(rng, 64, views);
      expect_executors_match_sequential(ex, g, static_cast<std::uint32_t>(rng()),
                                        "views " + std::to_string(static_cast<int>(views)) + " scope " + std::to_string(i));
      if (HasFatalFailure()) return;
    }
  }
}

// Large scopes: long reader lists, regrids of the index, wide releases in the executor.
TEST(RandomDag, TenThousandTaskScopesMatchSequentialExecution) {
  std::mt19937 rng(79);
  Executors ex;
  for (Views views : {Views::Slices, Views::Tiles, Views::Ranges1D}) {
    Graph g = make_random_scope(rng, -10000, views);
    ASSERT_EQ(g.num_tasks(), 10000u);
    expect_executors_match_sequential(ex, g, static_cast<std::uint32_t>(rng()), "10^4 tasks, views " + std::to_string(static_cast<int>(views)));
    if (HasFatalFailure()) return;
  }
}

// Mixed edges: inferred ones plus explicit after() edges that order undeclared data, in
// small scopes and in 10^4-task ones.
TEST(RandomDag, MixedExplicitAndInferredEdgesMatchSequentialExecution) {
  std::mt19937 rng(80);
  Executors ex;
  SideChannel side;
  const int scopes = std::max(1, scope_count() / 4);
  for (int i = 0; i < scopes; ++i) {
    Graph g = make_random_scope(rng, 64, Views::Slices, &side);
    expect_executors_match_sequential(ex, g, static_cast<std::uint32_t>(rng()), "mixed scope " + std::to_string(i), &side);
    if (HasFatalFailure()) return;
  }
  for (Views views : {Views::Slices, Views::Tiles}) {
    Graph g = make_random_scope(rng, -10000, views, &side);
    ASSERT_EQ(g.num_tasks(), 10000u);
    expect_executors_match_sequential(ex, g, static_cast<std::uint32_t>(rng()),
                                      "mixed 10^4 tasks, views " + std::to_string(static_cast<int>(views)), &side);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
