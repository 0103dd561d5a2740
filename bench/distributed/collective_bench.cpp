// A collective task (a one-task graph on DistributedExecutor: collective check, executor
// run, progress thread) vs the raw blocking MPI call moving the same bytes, in one binary.
// Run under mpirun; rank 0 reports. Iteration counts are fixed (every rank must run the
// same number of collectives), and times are wall clock: a collective waits for its peer.
#include <benchmark/benchmark.h>
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "distributed/collectives.hpp"
#include "distributed/distributed_executor.hpp"
#include "distributed/mpi_session.hpp"
#include "tasks/bindings.hpp"

namespace {

using namespace tg;

enum class Op { AllReduce, AllGather, Broadcast };

// TG_BENCH_THREADS=N (pass it with mpirun -x TG_BENCH_THREADS): the executor's workers, 1 by default.
int worker_threads() {
  const char* text = std::getenv("TG_BENCH_THREADS");
  return text ? std::max(1, std::atoi(text)) : 1;
}

std::int64_t iterations_for(std::int64_t bytes) { return std::clamp<std::int64_t>((std::int64_t{1} << 28) / bytes, 10, 2000); }

// `bytes`: the output's size on every rank (all-gather: each rank contributes bytes / ranks).
void collective_task(benchmark::State& state, Op op) {
  const Comm comm = MpiSession::current().world();
  const std::int64_t count = state.range(0) / 4, ranks = comm.size();
  Scope s{"bench"};
  auto in = s.input("in", {op == Op::AllGather ? count / ranks : count}, FP32);
  auto out = s.output("out", {count}, FP32);
  switch (op) {
    case Op::AllReduce: all_reduce(s, comm, in, out); break;
    case Op::AllGather: all_gather(s, comm, in, out); break;
    case Op::Broadcast: broadcast(s, comm, out, 0); break;
  }
  Graph g = s.finalize({.lint = Lint::Off});  // the broadcast graph reads no input
  Tensor input("in", FP32, {op == Op::AllGather ? count / ranks : count});
  std::fill_n(input.data_as<float>(), input.numel(), 1.0f);
  Bindings memory = g.bind({{"in", input}});
  DistributedExecutor executor(comm, {.threads = worker_threads()});
  executor.run(g, memory);  // warm: buffers touched, engine awake
  MPI_Barrier(MPI_COMM_WORLD);
  for (auto _ : state) executor.run(g, memory);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void raw_mpi(benchmark::State& state, Op op) {
  const std::int64_t count = state.range(0) / 4;
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  std::vector<float> in(static_cast<std::size_t>(count), 1.0f), out(static_cast<std::size_t>(count));
  const int n = static_cast<int>(count);
  auto call = [&] {
    switch (op) {
      case Op::AllReduce: MPI_Allreduce(in.data(), out.data(), n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); break;
      case Op::AllGather: MPI_Allgather(in.data(), n / ranks, MPI_FLOAT, out.data(), n / ranks, MPI_FLOAT, MPI_COMM_WORLD); break;
      case Op::Broadcast: MPI_Bcast(out.data(), n, MPI_FLOAT, 0, MPI_COMM_WORLD); break;
    }
  };
  call();
  MPI_Barrier(MPI_COMM_WORLD);
  for (auto _ : state) call();
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

// Rank 0 prints; the other ranks run the same benchmarks silently.
class Silent : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

// `--iterations_cap=N` (the CTest smoke run): at most N iterations per benchmark, so the
// run checks that every collective still works without timing it.
void register_all(std::int64_t iterations_cap) {
  const std::pair<const char*, Op> ops[] = {{"all_reduce", Op::AllReduce}, {"all_gather", Op::AllGather}, {"broadcast", Op::Broadcast}};
  for (const auto& [name, op] : ops)
    for (std::int64_t bytes = 1024; bytes <= (std::int64_t{64} << 20); bytes *= 4) {
      for (bool task : {true, false}) {
        const std::string label = std::string(task ? "task/" : "raw/") + name;
        auto* b = task ? benchmark::RegisterBenchmark(label.c_str(), collective_task, op)
                       : benchmark::RegisterBenchmark(label.c_str(), raw_mpi, op);
        b->Arg(bytes)->Iterations(std::min(iterations_for(bytes), iterations_cap))->UseRealTime()->Unit(benchmark::kMicrosecond);
      }
    }
}

}  // namespace

int main(int argc, char** argv) {
  if (!tg::MpiSession::launched_by_mpi()) {  // e.g. scripts/bench.sh: one rank measures nothing
    std::printf("collective_bench compares collectives across ranks: run it as mpirun -np 2 %s\n", argv[0]);
    return 0;
  }
  tg::MpiSession session(argc, argv);
  benchmark::Initialize(&argc, argv);
  std::int64_t iterations_cap = std::numeric_limits<std::int64_t>::max();
  for (int i = 1; i < argc; ++i)
    if (std::string_view arg = argv[i]; arg.starts_with("--iterations_cap="))
      iterations_cap = std::max<std::int64_t>(1, std::atoll(argv[i] + arg.find('=') + 1));
  register_all(iterations_cap);
  if (session.rank() == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    Silent silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}
