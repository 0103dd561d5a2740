// The C++ side of test_descriptors.py's byte-for-byte check: a scope of kernel descriptors
// (library ones bound by name, SPMD tiles, a hand cost overriding a derived one, an optional
// parameter left out, a descriptor of the user's own with a cost function) printed as JSON.
// The Python test builds the same scope with tg.kernels and tg.Kernel and compares the bytes.
#include <iostream>

#include "kernels/descriptors/descriptors.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"

namespace kd = tg::kernels::descriptors;

int main() {
  tg::Scope s{"descriptor_scope"};
  auto x = s.input("x", {16, 256}, tg::BF16);
  auto gamma = s.weight("gamma", {256}, tg::FP32);
  auto w = s.weight("w", {256, 128}, tg::BF16);
  auto normed = s.staging("normed", {16, 256}, tg::BF16);
  auto acc = s.staging("acc", {16, 128}, tg::FP32);
  auto tiled = s.staging("tiled", {16, 128}, tg::FP32);
  auto y = s.output("y", {16, 128}, tg::BF16);
  auto z = s.output("z", {16, 128}, tg::FP32);

  s.vector("input_rmsnorm", kd::rmsnorm(), {.x = tg::In(x), .gamma = tg::In(gamma), .y = tg::Out(normed)});
  for (std::int64_t c = 0; c < 128; c += 64)
    s.cube("proj", kd::matmul(), {.a = tg::In(normed), .b = tg::In(w.cols(c, 64)), .c = tg::Out(acc.cols(c, 64))});
  s.cube("tiled_proj", kd::matmul(),
         {.a = tg::In(normed).tiled(tg::tile::rows(16)), .b = tg::In(w).tiled(tg::tile::cols(64, 1)),
          .c = tg::Out(tiled).tiled(tg::tile::grid(16, 64))});
  s.vector("cast", kd::cast(), {.src = tg::In(acc), .dst = tg::Out(y)}).cost({.flops = 1.0, .bytes = 2.0});
  s.vector("scale", kd::scale(), {.x = tg::In(tiled), .y = tg::Out(z)}).blocks(2);

  tg::KernelDescriptor report;
  report.name = "report";
  report.kind = tg::TaskKind::Host;
  report.params = {{"src", tg::Access::In, {tg::FP32}, false}};
  report.cost = [](const tg::ParamViews& v) {
    return tg::CostHint{.flops = 10.0, .bytes = static_cast<double>(v[0].bytes()), .working_set_bytes = 0, .int8 = false};
  };
  s.submit("report", tg::make_kernel(std::move(report)), {{"src", tg::In(z)}});
  std::cout << tg::to_scope_json(s.finalize());
  return 0;
}
