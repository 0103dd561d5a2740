// Communication tasks built without MPI for the multi-chip simulator.
#include "scheduler/modelled_collectives.hpp"

#include <gtest/gtest.h>

#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/multichip_sim.hpp"
#include "sim_test_machine.hpp"

namespace tg {
namespace {

TEST(ModelledCollectives, AreTheDistributedLayersTaskKind) {
  Scope s{"m"};
  auto shard = s.input("shard", {4, 8}, DType::FP32);
  auto full = s.output("full", {16, 8}, DType::FP32);
  const TaskRef gather = modelled_all_gather(s, 4, shard, full);
  const Graph g = s.finalize({.lint = Lint::Off});
  const Task& task = g.task(gather.id());
  EXPECT_EQ(task.kind, TaskKind::Host);
  EXPECT_EQ(task.kernel_name, "comm.all_gather");
  ASSERT_EQ(modelled_collective(task), Collective::AllGather);
  EXPECT_DOUBLE_EQ(collective_bytes(task, Collective::AllGather), 16 * 8 * 4);  // the gathered output
}

TEST(ModelledCollectives, CountsAndRanksAreChecked) {
  Scope s{"m"};
  auto a = s.input("a", {4, 8}, DType::FP32);
  auto b = s.output("b", {8, 8}, DType::FP32);
  auto c = s.output("c", {4, 8}, DType::BF16);
  try {
    modelled_all_gather(s, 4, a, b);
    FAIL() << "no error";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("all_gather on 4 ranks: in has 32 elements, out 64; out needs in x ranks"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(modelled_all_to_all(s, 4, a, c), ShapeError);  // dtypes differ
  EXPECT_THROW(modelled_all_reduce(s, 1, a), ConfigError);
  EXPECT_THROW(modelled_all_reduce(s, 2, a, b), ShapeError);  // 32 elements into 64
  EXPECT_THROW(modelled_all_reduce(s, 2, a.cols(0, 4)), ShapeError);  // not contiguous
}

TEST(ModelledCollectives, RunOnlyInTheSimulator) {
  Scope s{"m"};
  auto x = s.input("x", {2, 8}, DType::FP32);
  auto p = s.staging("p", {2, 8}, DType::FP32);
  auto y = s.output("y", {2, 8}, DType::FP32);
  s.host("copy", {In(x), Out(p)}).cost(testing::ns_of_compute(100));
  modelled_all_reduce(s, 2, p, "sum");
  s.host("use", {In(p), Out(y)});
  const Graph g = s.finalize();
  MultiChipMachine m;
  m.name = "hand x2";
  m.chip = testing::hand_machine();
  m.network.dims = {NetworkDim{Topology::FullyConnected, 2, 1, 4e9, 100}};
  const MultiChipResult r = MultiChipSimExecutor(m).simulate_replicated(g);
  // 64 B: 2 steps of 100 ns + 64 B at 4 B/ns.
  EXPECT_EQ(r.collectives.at(0).end_ns, 100 + 216);
  Bindings memory = g.bind({{"x", Tensor("x", DType::FP32, {2, 8})}, {"y", Tensor("y", DType::FP32, {2, 8})}});
  try {
    HostExecutor(1).run(g, memory);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'sum#1' is a modelled all_reduce"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tg
