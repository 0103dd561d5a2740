// The C++ side of test_same_as_cpp.py: builds a scope with every builder feature the Python
// module mirrors (roles, slices, cols / rows / reshape, named arguments, blocks, cost,
// after, nested scopes, a pipelined loop over a staging ring, NoDep, MIX slots) and prints
// its JSON export. The Python test builds the same scope and compares the bytes.
#include <iostream>

#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

int main() {
  tg::Scope s{"same_scope"};
  auto x = s.input("x", {16, 256}, tg::BF16);
  auto w = s.weight("w", {256, 128}, tg::BF16);
  auto gamma = s.weight("gamma", {1, 256}, tg::FP32);
  auto normed = s.staging("normed", {16, 256}, tg::BF16);
  auto acc = s.staging("acc", {16, 128}, tg::FP32);
  auto y = s.output("y", {16, 128}, tg::BF16);
  auto cache = s.inout("cache", {4, 16, 32}, tg::BF16);

  auto norm = s.vector("rmsnorm", {tg::In(x), tg::In(gamma), tg::Out(normed)}).blocks(4);
  norm.cost({.flops = 3.0 * 4 * 256, .bytes = 2.0 * 4 * 256 * 2, .working_set_bytes = 8192});
  for (std::int64_t c = 0; c < 128; c += 64)
    s.cube("proj", {tg::In(normed), tg::In(w.cols(c, 64)), tg::Out(acc.slice({0, c}, {16, 64}))})
        .kernel_name("matmul")
        .param_names({"a", "b", "c"})
        .cost({.flops = 2.0 * 16 * 256 * 64, .bytes = 2.0 * 256 * 64});
  {
    auto nested = s.nest("epilogue");
    auto tiles = s.staging_ring("tile", 2, {8, 128}, tg::FP32);
    s.pipeline(2, 2, [&](const tg::PipelineStep& step) {
      s.vector("load", {tg::In(acc.rows(step.iter * 8, 8)), tg::Out(tiles[step])});
      s.vector("store", {tg::In(tiles[step]), tg::Out(y.rows(step.iter * 8, 8))}).sync_start();
    });
    s.mix("cache_write", {tg::In(y.reshape({4, 4, 128}).slice({0, 0, 0}, {4, 4, 32})),
                          tg::InOut(cache.slice({0, 0, 0}, {4, 4, 32}))})
        .mix_slots(tg::kSlotAic | tg::kSlotAiv0);
  }
  auto host = s.host("report", {tg::NoDep(tg::In(y))});
  host.after(norm);
  std::cout << tg::to_scope_json(s.finalize());
  return 0;
}
