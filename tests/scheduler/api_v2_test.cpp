// API v2 on the executors: a Graph is structure only, the memory of a run is a Bindings,
// staging is the executor's and starts afresh every run. Each case reproduces what a v1 user
// hit, or checks a rule of docs/api.md. Goldens are plain loops.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <thread>

#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

namespace {

using namespace tg;

constexpr std::int64_t kRows = 4, kK = 64, kN = 8, kChunk = 16;

// y = x @ w accumulated over K chunks into staging `acc` (split-K), then copied to y; the
// first chunk *adds* to acc, so it relies on acc starting at zero (v1's staging did only on
// the first run). Plain fp32 loops as kernels: the test is about memory, not speed.
Graph split_k_graph(Lint lint) {
  Scope s{"split_k"};
  auto x = s.input("x", {kRows, kK}, FP32);
  auto w = s.weight("w", {kK, kN}, FP32);
  auto acc = s.staging("acc", {kRows, kN}, FP32);
  auto y = s.output("y", {kRows, kN}, FP32);
  for (std::int64_t k0 = 0; k0 < kK; k0 += kChunk)
    s.cube("partial", {In(x.cols(k0, kChunk)), In(w.rows(k0, kChunk)), InOut(acc)}, [](const TaskContext& c) {
      const View a = c.view(0), b = c.view(1), out = c.view(2);
      for (std::int64_t i = 0; i < out.size(0); ++i)
        for (std::int64_t j = 0; j < out.size(1); ++j) {
          float sum = out.at<float>({i, j});
          for (std::int64_t k = 0; k < a.size(1); ++k) sum += a.at<float>({i, k}) * b.at<float>({k, j});
          out.at<float>({i, j}) = sum;
        }
    });
  s.vector("copy_out", {In(acc), Out(y)}, [](const TaskContext& c) {
    for (std::int64_t i = 0; i < kRows; ++i)
      for (std::int64_t j = 0; j < kN; ++j) c.view(1).at<float>({i, j}) = c.view(0).at<float>({i, j});
  });
  return s.finalize({.lint = lint});
}

Tensor random_tensor(const std::string& name, Shape shape, std::uint32_t seed) {
  Tensor t(name, FP32, std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data_as<float>()[i] = dist(rng);
  return t;
}

std::vector<float> plain_matmul(const Tensor& x, const Tensor& w) {
  std::vector<float> y(static_cast<std::size_t>(kRows * kN), 0.0f);
  for (std::int64_t k0 = 0; k0 < kK; k0 += kChunk)  // the same summation order as the tasks
    for (std::int64_t i = 0; i < kRows; ++i)
      for (std::int64_t j = 0; j < kN; ++j) {
        float sum = y[static_cast<std::size_t>(i * kN + j)];
        for (std::int64_t k = k0; k < k0 + kChunk; ++k) sum += x.data_as<float>()[i * kK + k] * w.data_as<float>()[k * kN + j];
        y[static_cast<std::size_t>(i * kN + j)] = sum;
      }
  return y;
}

std::vector<float> values(const Tensor& t) { return {t.data_as<float>(), t.data_as<float>() + t.numel()}; }

TEST(ApiV2, SplitKAccumulatorOverStagingIsReadBeforeWrite) {
  // What v1 ran silently: lint at finalize now names the rule, the task and the buffer.
  try {
    split_k_graph(Lint::On);
    FAIL() << "expected LintError";
  } catch (const LintError& e) {
    EXPECT_EQ(e.rule(), "read-before-write");
    EXPECT_NE(std::string(e.what()).find("partial#0"), std::string::npos) << e.what();
    EXPECT_EQ(e.context().task, "partial#0");
    EXPECT_EQ(e.context().buffer, "acc");
    EXPECT_EQ(e.context().scope, "split_k");
  }
}

TEST(ApiV2, SameGraphRunThreeTimesGivesTheSameAnswer) {
  const Graph g = split_k_graph(Lint::Off);  // analysed on purpose: it relies on zeroed staging
  const Tensor x = random_tensor("x", {kRows, kK}, 1), w = random_tensor("w", {kK, kN}, 2);
  const Tensor x_before = x.clone(), w_before = w.clone();
  const auto expected = plain_matmul(x, w);
  Bindings memory = g.bind({{"x", x}, {"w", w}});
  HostExecutor host(2);
  for (int run = 0; run < 3; ++run) {
    const RunResult result = host.run(g, memory);
    EXPECT_EQ(values(result.output("y")), expected) << "run " << run;  // v1: 0.614298, then 1.22859
  }
  EXPECT_TRUE(x.same_bytes(x_before)) << "inputs are never written";
  EXPECT_TRUE(w.same_bytes(w_before));
  // The same graph on a second Bindings: its own outputs, same answer.
  const Tensor x2 = random_tensor("x", {kRows, kK}, 3);
  Bindings other = g.bind({{"x", x2}, {"w", w}});
  EXPECT_EQ(values(host.run(g, other).output("y")), plain_matmul(x2, w));
  EXPECT_EQ(values(memory.tensor("y")), expected) << "the first Bindings' output is its own";
  // And functionally on the modelled chip, with the simulator's own staging pool.
  SimExecutor chip(load_machine("a2a3"));
  EXPECT_EQ(values(chip.simulate(g, memory).output("y")), expected);
  EXPECT_EQ(values(chip.simulate(g, memory).output("y")), expected);
}

TEST(ApiV2, PoisonedStagingShowsAStrayRead) {
  const Graph g = split_k_graph(Lint::Off);
  Bindings memory = g.bind({{"x", random_tensor("x", {kRows, kK}, 1)}, {"w", random_tensor("w", {kK, kN}, 2)}});
  HostExecutor host(1);
  const RunResult poisoned = host.run(g, memory, RunOptions{.staging_fill = StagingFill::Poison, .keep_staging = true});
  for (float v : values(poisoned.output("y"))) EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(std::isnan(poisoned.staging("acc").data_as<float>()[0]));
  // The next default run starts from zeros again: the pool is re-initialised every run.
  for (float v : values(host.run(g, memory).output("y"))) EXPECT_FALSE(std::isnan(v));
  EXPECT_THROW((void)host.run(g, memory).staging("acc"), BindingError) << "staging is kept only on request";
}

// A cache update: each task rewrites one row of an InOut cache from an input.
Graph cache_graph() {
  Scope s{"cache"};
  auto x = s.input("x", {4, 16}, FP32);
  auto cache = s.inout("cache", {32, 16}, FP32);
  auto y = s.output("y", {4, 16}, FP32);
  for (std::int64_t r = 0; r < 4; ++r) {
    s.vector("write_row", {In(x.rows(r, 1)), Out(cache.rows(8 * r + 3, 1))}, [](const TaskContext& c) {
      for (std::int64_t j = 0; j < 16; ++j) c.view(1).at<float>({0, j}) = 2.0f * c.view(0).at<float>({0, j});
    });
    s.vector("read_row", {In(cache.rows(8 * r + 3, 1)), Out(y.rows(r, 1))}, [](const TaskContext& c) {
      for (std::int64_t j = 0; j < 16; ++j) c.view(1).at<float>({0, j}) = c.view(0).at<float>({0, j}) + 1.0f;
    });
  }
  return s.finalize();
}

TEST(ApiV2, InOutRowsNotWrittenStayBitIdentical) {
  const Graph g = cache_graph();
  const Tensor x = random_tensor("x", {4, 16}, 5), cache = random_tensor("cache", {32, 16}, 6);
  const Tensor cache_before = cache.clone();
  Bindings memory = g.bind({{"x", x}, {"cache", cache}});
  HostExecutor{2}.run(g, memory);
  for (std::int64_t r = 0; r < 32; ++r) {
    const bool written = r % 8 == 3;
    const float* now = cache.data_as<float>() + r * 16;
    const float* was = cache_before.data_as<float>() + r * 16;
    if (written)
      for (std::int64_t j = 0; j < 16; ++j) EXPECT_EQ(now[j], 2.0f * x.data_as<float>()[(r / 8) * 16 + j]);
    else
      EXPECT_EQ(std::memcmp(now, was, 16 * sizeof(float)), 0) << "row " << r << " was not written";
  }
}

TEST(ApiV2, ConcurrentRunsOnTwoExecutors) {
  const Graph g = split_k_graph(Lint::Off);
  const Tensor w = random_tensor("w", {kK, kN}, 2);
  const Tensor xa = random_tensor("x", {kRows, kK}, 7), xb = random_tensor("x", {kRows, kK}, 8);
  Bindings a = g.bind({{"x", xa}, {"w", w}}), b = g.bind({{"x", xb}, {"w", w}});
  const auto expected_a = plain_matmul(xa, w), expected_b = plain_matmul(xb, w);
  HostExecutor one(1), two(1);
  bool same_a = true, same_b = true;
  std::thread ta([&] {
    for (int i = 0; i < 50; ++i) same_a = same_a && values(one.run(g, a).output("y")) == expected_a;
  });
  std::thread tb([&] {
    for (int i = 0; i < 50; ++i) same_b = same_b && values(two.run(g, b).output("y")) == expected_b;
  });
  ta.join();
  tb.join();
  EXPECT_TRUE(same_a);
  EXPECT_TRUE(same_b);
}

TEST(ApiV2, OneBindingsInTwoRunsAtOnceIsAnError) {
  // A kernel that starts a second run on the same Bindings while the first holds them.
  Scope s{"reentrant"};
  auto y = s.output("y", {1}, FP32);
  Bindings* shared = nullptr;
  const Graph* graph = nullptr;
  std::string second_run_error;
  s.vector("nested", {Out(y)}, [&](const TaskContext& c) {
    c.view(0).at<float>({0}) = 1;
    HostExecutor inner(1);
    try {
      inner.run(*graph, *shared);
    } catch (const BindingError& e) {
      second_run_error = e.what();
    }
  });
  const Graph g = s.finalize();
  Bindings memory(g);
  shared = &memory;
  graph = &g;
  HostExecutor{1}.run(g, memory);
  EXPECT_NE(second_run_error.find("in use by another run"), std::string::npos) << second_run_error;
  EXPECT_NO_THROW(HostExecutor{1}.run(g, memory)) << "the first run released them";
}

TEST(ApiV2, BindingErrorsNameTheBuffer) {
  const Graph g = cache_graph();
  Bindings memory(g);
  try {
    HostExecutor{1}.run(g, memory);
    FAIL() << "expected BindingError";
  } catch (const BindingError& e) {
    EXPECT_NE(std::string(e.what()).find("input 'x'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("inout 'cache'"), std::string::npos) << e.what();
    EXPECT_EQ(e.context().buffer, "x");
  }
  EXPECT_THROW(memory.bind("x", Tensor("x", FP32, {4, 15})), BindingError);   // shape
  EXPECT_THROW(memory.bind("x", Tensor("x", BF16, {4, 16})), BindingError);   // dtype
  EXPECT_THROW(memory.bind("nope", Tensor("x", FP32, {4, 16})), BindingError);  // name
  EXPECT_THROW(HostExecutor{1}.run(g), BindingError) << "kernels need memory";
  const Graph other = split_k_graph(Lint::Off);
  Bindings wrong_graph(other);
  EXPECT_THROW(HostExecutor{1}.run(g, wrong_graph), BindingError);
  Scope s{"staging_only"};
  auto t = s.staging("t", {2}, FP32);
  auto out = s.output("o", {2}, FP32);
  s.vector("a", {Out(t)});
  s.vector("b", {In(t), Out(out)});
  const Graph sg = s.finalize();
  Bindings sm(sg);
  EXPECT_THROW(sm.bind("t", Tensor("t", FP32, {2})), BindingError) << "staging is the executor's";
  EXPECT_THROW((void)sm.tensor("t"), BindingError);
  EXPECT_NO_THROW(HostExecutor{1}.run(sg)) << "empty kernels need no memory";
}

TEST(ApiV2, StridedExternalArrayIsCopiedInReportedAndWrittenBack) {
  const Graph g = cache_graph();
  // x as columns 0..15 of a [4, 20] array (row stride 80 B): strided, so copied in.
  std::vector<float> wide(4 * 20);
  for (std::size_t i = 0; i < wide.size(); ++i) wide[i] = static_cast<float>(i);
  // cache as a contiguous caller array: used in place.
  std::vector<float> cache(32 * 16, -1.0f);
  Bindings memory(g);
  memory.bind_external("x", ExternalArray{wide.data(), FP32, {4, 16}, {20 * 4, 4}});
  memory.bind_external("cache", ExternalArray{cache.data(), FP32, {32, 16}, {}});
  ASSERT_EQ(memory.copies().size(), 1u);
  EXPECT_NE(memory.copies()[0].find("bind_external('x')"), std::string::npos) << memory.copies()[0];
  EXPECT_NE(memory.copies()[0].find("copied in"), std::string::npos);
  EXPECT_EQ(memory.tensor("cache").data(), reinterpret_cast<std::byte*>(cache.data())) << "contiguous: in place";
  HostExecutor{1}.run(g, memory);
  EXPECT_EQ(cache[3 * 16 + 5], 2.0f * wide[5]) << "row 3 written in the caller's array";
  EXPECT_EQ(cache[0], -1.0f);

  // A strided InOut is written back after the run.
  std::vector<float> wide_cache(32 * 20, -1.0f);
  Bindings strided(g);
  strided.bind_external("x", ExternalArray{wide.data(), FP32, {4, 16}, {20 * 4, 4}});
  strided.bind_external("cache", ExternalArray{wide_cache.data(), FP32, {32, 16}, {20 * 4, 4}});
  EXPECT_EQ(strided.copies().size(), 2u);
  EXPECT_NE(strided.copies()[1].find("written back"), std::string::npos) << strided.copies()[1];
  HostExecutor{1}.run(g, strided);
  EXPECT_EQ(wide_cache[3 * 20 + 5], 2.0f * wide[5]);
  EXPECT_EQ(wide_cache[3 * 20 + 17], -1.0f) << "elements outside the view are left alone";
}

TEST(ApiV2, TimingOnlySimulationNeedsNoMemory) {
  const Graph g = cache_graph();
  const SimExecutor chip(load_machine("a2a3"));
  const SimResult r = chip.simulate(g);
  EXPECT_GT(r.timeline.makespan_ns, 0);
  EXPECT_THROW((void)r.output("y"), BindingError) << "no Bindings, no outputs";
  const std::unique_ptr<Executor> owned = std::make_unique<SimExecutor>(load_machine("a2a3"));
  EXPECT_EQ(owned->run(g).timeline.makespan_ns, r.timeline.makespan_ns);
  EXPECT_EQ(owned->name(), "sim:a2a3:fifo");
}

// The error types raised above tasks/ and runtime/: each with the fields that say where.
TEST(ErrorFields, GraphErrorNamesTheTask) {
  Scope s{"blocks"};
  auto y = s.output("y", {4}, FP32);
  auto t = s.vector("fill", {Out(y)});
  try {
    t.blocks(0);
    FAIL();
  } catch (const GraphError& e) {
    EXPECT_EQ(e.context().task, "fill#0");
    EXPECT_EQ(e.context().task_id, 0u);
    EXPECT_EQ(e.context().scope, "blocks");
    EXPECT_EQ(std::string(e.what()).rfind("task 'fill#0': block_num 0", 0), 0u) << e.what();
  }
}

TEST(ErrorFields, ConfigErrorOfAJsonScopeNamesFileAndPath) {
  const std::string text = R"({"name": "s", "buffers": [{"name": "x", "dtype": "fp33", "shape": [4], "role": "input"}], "tasks": []})";
  try {
    (void)parse_scope_json(text, "s.json");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.context().file, "s.json");
    EXPECT_EQ(e.context().json_path, "buffers[0].dtype");
    EXPECT_EQ(std::string(e.what()).rfind("s.json: buffers[0].dtype: ", 0), 0u) << e.what();
  }
}

TEST(ErrorFields, CapacityErrorNamesTheTask) {
  Scope s{"big"};
  auto x = s.input("x", {4}, FP32);
  auto y = s.output("y", {4}, FP32);
  s.vector("huge_tile", {In(x), Out(y)}).cost(CostHint{1, 1, std::uint64_t{1} << 30, false});
  const Graph g = s.finalize();
  try {
    (void)SimExecutor(load_machine("a2a3")).simulate(g);
    FAIL();
  } catch (const CapacityError& e) {
    EXPECT_EQ(e.context().task, "huge_tile#0");
    EXPECT_EQ(e.context().scope, "big");
    EXPECT_NE(std::string(e.what()).find("huge_tile#0"), std::string::npos) << e.what();
  }
}

}  // namespace
