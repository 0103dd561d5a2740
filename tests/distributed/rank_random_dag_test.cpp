// Random rank-partitioned scopes with collectives, run on every rank, equal bit for bit to
// a sequential single-process reference that plays all ranks in turn (plain loops, the
// documented rank-order sum).
#include <gtest/gtest.h>

#include <random>

#include "distributed/collectives.hpp"
#include "distributed/distributed_executor.hpp"
#include "distributed/mpi_session.hpp"
#include "tasks/bindings.hpp"

namespace {

using namespace tg;

enum class Step { Add, HalveMyChunk, AllReduce, AllReduceInPlace, AllGather, ReduceScatter, Broadcast, Ring, AllToAll };
constexpr int kSteps = 9;

struct Op {
  Step step;
  int a, b, d;  // buffers: inputs a, b; destination d (distinct from a and b)
  int root;
};

struct Program {
  int buffers = 0;
  std::int64_t chunk = 0;  // elements per rank; each buffer holds chunk x ranks
  std::vector<Op> ops;
};

Program random_program(std::uint32_t seed, int ranks) {
  std::mt19937 rng(seed);
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Program p;
  p.buffers = pick(3, 6);
  p.chunk = pick(1, 40);
  const int n = pick(8, 30);
  for (int i = 0; i < n; ++i) {
    Op op{static_cast<Step>(pick(0, kSteps - 1)), pick(0, p.buffers - 1), pick(0, p.buffers - 1), 0, pick(0, ranks - 1)};
    do op.d = pick(0, p.buffers - 1);
    while (op.d == op.a || op.d == op.b);
    p.ops.push_back(op);
  }
  return p;
}

float initial(int rank, int buffer, std::int64_t i) { return static_cast<float>((rank * 7 + buffer * 3 + i) % 11) - 5.0f; }

// All ranks' buffers: state[rank][buffer][element].
using State = std::vector<std::vector<std::vector<float>>>;

State reference(const Program& p, int ranks) {
  const std::int64_t length = p.chunk * ranks;
  State s(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r)
    for (int k = 0; k < p.buffers; ++k) {
      std::vector<float> v(static_cast<std::size_t>(length));
      for (std::int64_t i = 0; i < length; ++i) v[static_cast<std::size_t>(i)] = initial(r, k, i);
      s[static_cast<std::size_t>(r)].push_back(v);
    }
  auto buf = [&s](int r, int k) -> std::vector<float>& { return s[static_cast<std::size_t>(r)][static_cast<std::size_t>(k)]; };
  for (const Op& op : p.ops) {
    State before = s;  // collectives read every rank's state before the step
    auto old = [&before](int r, int k, std::int64_t i) {
      return before[static_cast<std::size_t>(r)][static_cast<std::size_t>(k)][static_cast<std::size_t>(i)];
    };
    for (int r = 0; r < ranks; ++r) {
      std::vector<float>& d = buf(r, op.d);
      const std::int64_t mine = r * p.chunk;
      for (std::int64_t i = 0; i < length; ++i) {
        const std::size_t e = static_cast<std::size_t>(i);
        const std::int64_t in_chunk = i - mine;
        switch (op.step) {
          case Step::Add: d[e] = old(r, op.a, i) + old(r, op.b, i); break;
          case Step::HalveMyChunk:
            if (in_chunk >= 0 && in_chunk < p.chunk) d[e] = old(r, op.a, i) * 0.5f;
            break;
          case Step::AllReduce: {
            float acc = old(0, op.a, i);
            for (int q = 1; q < ranks; ++q) acc += old(q, op.a, i);
            d[e] = acc;
            break;
          }
          case Step::AllReduceInPlace: {
            float acc = old(0, op.d, i);
            for (int q = 1; q < ranks; ++q) acc += old(q, op.d, i);
            d[e] = acc;
            break;
          }
          case Step::AllGather: d[e] = old(static_cast<int>(i / p.chunk), op.a, i); break;
          case Step::ReduceScatter:
            if (in_chunk >= 0 && in_chunk < p.chunk) {
              float acc = old(0, op.a, i);
              for (int q = 1; q < ranks; ++q) acc += old(q, op.a, i);
              d[e] = acc;
            }
            break;
          case Step::Broadcast: d[e] = old(op.root, op.d, i); break;
          case Step::Ring:
            if (in_chunk >= 0 && in_chunk < p.chunk) {
              const int left = (r + ranks - 1) % ranks;  // it sends its own chunk
              d[e] = old(left, op.a, left * p.chunk + in_chunk);
            }
            break;
          case Step::AllToAll: {
            // Part q of d (length / ranks) = part r of rank q's a.
            const std::int64_t part = length / ranks, q = i / part;
            d[e] = old(static_cast<int>(q), op.a, r * part + i % part);
            break;
          }
        }
      }
    }
  }
  return s;
}

Graph build(const Program& p, const Comm& comm) {
  const int n = comm.size(), me = comm.rank();
  const std::int64_t length = p.chunk * n;
  Scope s{"random_ranks"};
  std::vector<View> b;
  for (int k = 0; k < p.buffers; ++k) b.push_back(s.inout("b" + std::to_string(k), {length}, FP32));
  const auto mine = [&](int k) { return b[static_cast<std::size_t>(k)].rows(me * p.chunk, p.chunk); };
  int tag = 0;
  for (const Op& op : p.ops) {
    const View& a = b[static_cast<std::size_t>(op.a)];
    const View& bb = b[static_cast<std::size_t>(op.b)];
    const View& d = b[static_cast<std::size_t>(op.d)];
    switch (op.step) {
      case Step::Add:
        s.host("add", {In(a), In(bb), Out(d)}, [](const TaskContext& c) {
          for (std::int64_t i = 0; i < c.view(2).numel(); ++i) c.data<float>(2)[i] = c.data<float>(0)[i] + c.data<float>(1)[i];
        });
        break;
      case Step::HalveMyChunk:
        s.host("halve", {In(mine(op.a)), Out(mine(op.d))}, [](const TaskContext& c) {
          for (std::int64_t i = 0; i < c.view(1).numel(); ++i) c.data<float>(1)[i] = c.data<float>(0)[i] * 0.5f;
        });
        break;
      case Step::AllReduce: all_reduce(s, comm, a, d); break;
      case Step::AllReduceInPlace: all_reduce(s, comm, d); break;
      case Step::AllGather: all_gather(s, comm, mine(op.a), d); break;
      case Step::ReduceScatter: reduce_scatter(s, comm, a, mine(op.d)); break;
      case Step::Broadcast: broadcast(s, comm, d, op.root); break;
      case Step::Ring:
        send(s, comm, mine(op.a), (me + 1) % n, tag);
        recv(s, comm, mine(op.d), (me + n - 1) % n, tag);
        ++tag;
        break;
      case Step::AllToAll: all_to_all(s, comm, a, d); break;
    }
  }
  return s.finalize();
}

TEST(DistributedRandomDag, EveryRankEqualsTheSequentialReference) {
  const Comm comm = MpiSession::current().world();
  const int n = comm.size(), me = comm.rank();
  DistributedExecutor ex(comm, {.threads = 2});
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    const Program p = random_program(seed, n);
    const State expected = reference(p, n);
    Graph g = build(p, comm);
    Bindings memory(g);
    std::vector<Tensor> tensors;
    for (int k = 0; k < p.buffers; ++k) {
      Tensor t("b" + std::to_string(k), FP32, {p.chunk * n});
      for (std::int64_t i = 0; i < p.chunk * n; ++i) t.data_as<float>()[i] = initial(me, k, i);
      memory.bind(t.name(), t);
      tensors.push_back(t);
    }
    ex.run(g, memory);
    for (int k = 0; k < p.buffers; ++k)
      for (std::int64_t i = 0; i < p.chunk * n; ++i)
        ASSERT_EQ(tensors[static_cast<std::size_t>(k)].data_as<float>()[i],
                  expected[static_cast<std::size_t>(me)][static_cast<std::size_t>(k)][static_cast<std::size_t>(i)])
            << "seed " << seed << ", rank " << me << ", buffer b" << k << ", element " << i << " (" << g.num_tasks() << " tasks)";
  }
}

}  // namespace
