// Tensor parallelism on two (or more) ranks: each rank holds a column shard of w, computes
// its partial product, and an all-reduce task sums the partials, on every rank, in a fixed
// order. Rank 0 checks the answer and writes one trace with every rank's lanes.
//   mpirun -np 2 build/examples/example_all_reduce_across_ranks   (as root: --allow-run-as-root)
#include <cstdio>
#include <filesystem>

#include "distributed/collectives.hpp"
#include "distributed/distributed_executor.hpp"
#include "distributed/mpi_session.hpp"
#include "distributed/rank_trace.hpp"
#include "distributed/shard.hpp"
#include "tasks/bindings.hpp"

int main(int argc, char** argv) {
  tg::MpiSession session(argc, argv);
  const tg::Comm world = session.world();
  const int ranks = world.size(), me = world.rank();
  constexpr std::int64_t kRows = 4, kHidden = 64, kOut = 8;
  try {
    // x [4, 64] . w [64, 8], the hidden dim split across ranks: x's columns and w's rows.
    const tg::ShardSpec x_shard = tg::shard_along("x", tg::FP32, {kRows, kHidden}, 1, me, ranks);
    const std::int64_t k0 = x_shard.slice.offsets[1], k = x_shard.slice.sizes[1];
    tg::Scope s{"tensor_parallel"};
    auto x = s.input("x", {kRows, k}, tg::FP32);
    auto w = s.weight("w", {k, kOut}, tg::FP32);
    auto partial = s.staging("partial", {kRows, kOut}, tg::FP32);
    auto y = s.output("y", {kRows, kOut}, tg::FP32);
    s.host("partial_matmul", {tg::In(x), tg::In(w), tg::Out(partial)}, [k](const tg::TaskContext& c) {
      const float* xs = c.data<float>(0);
      const float* ws = c.data<float>(1);
      float* out = c.data<float>(2);
      for (std::int64_t r = 0; r < kRows; ++r)
        for (std::int64_t o = 0; o < kOut; ++o) {
          float acc = 0;
          for (std::int64_t i = 0; i < k; ++i) acc += xs[r * k + i] * ws[i * kOut + o];
          out[r * kOut + o] = acc;
        }
    });
    tg::all_reduce(s, world, partial, y, "sum_partials");
    tg::Graph graph = s.finalize();

    tg::Tensor xs("x", tg::FP32, {kRows, k}), ws("w", tg::FP32, {k, kOut});
    for (std::int64_t r = 0; r < kRows; ++r)
      for (std::int64_t i = 0; i < k; ++i) xs.data_as<float>()[r * k + i] = static_cast<float>((r + k0 + i) % 3);
    for (std::int64_t i = 0; i < k; ++i)
      for (std::int64_t o = 0; o < kOut; ++o) ws.data_as<float>()[i * kOut + o] = static_cast<float>((k0 + i + o) % 2);
    tg::Bindings memory = graph.bind({{"x", xs}, {"w", ws}});
    tg::DistributedExecutor executor(world, {.threads = 2});
    const tg::RunResult result = executor.run(graph, memory);

    // Small integers: every order of summation gives the same exact answer to compare with.
    const float* got = result.output("y").data_as<float>();
    for (std::int64_t r = 0; r < kRows; ++r)
      for (std::int64_t o = 0; o < kOut; ++o) {
        float expected = 0;
        for (std::int64_t i = 0; i < kHidden; ++i) expected += static_cast<float>((r + i) % 3) * static_cast<float>((i + o) % 2);
        if (got[r * kOut + o] != expected) {
          std::fprintf(stderr, "rank %d: y[%lld, %lld] = %g, expected %g\n", me, static_cast<long long>(r),
                       static_cast<long long>(o), static_cast<double>(got[r * kOut + o]), static_cast<double>(expected));
          return 1;
        }
      }
    const auto traces = tg::gather_timelines(world, graph, result.timeline);
    if (me == 0) {
      const auto dir = std::filesystem::temp_directory_path();
      tg::write_ranks_perfetto(traces, (dir / "tg_ranks.json").string());
      tg::write_ranks_html(traces, (dir / "tg_ranks.html").string());
      std::printf("%d ranks: y equals the single-process product; traces in %s/tg_ranks.{json,html}\n", ranks,
                  dir.string().c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    session.exit_after_error(e.what());
  }
}
