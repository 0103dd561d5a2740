// Fuse adjacent stages on the model, then run the fused graph: an SPMD RMSNorm over the
// batch rows feeding a bf16 -> fp32 cast of the same rows. The fusion candidates say which
// pairs could be one task and why, rank_by_gain simulates each on a2a3, and fuse() builds the
// fused graph (a composed kernel; the normed rows stay in a block-local tile, out of GM),
// which gives the same bits on the host as the graph it came from (docs/tuning.md).
#include <cstring>
#include <iostream>

#include "kernels/descriptors/descriptors.hpp"
#include "runtime/machine.hpp"
#include "runtime/tensor.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/scope.hpp"
#include "tuning/fusion_gain.hpp"

namespace kd = tg::kernels::descriptors;

int main() {
  constexpr std::int64_t kBatch = 8, kHidden = 512;
  tg::Scope s{"norm_then_cast"};
  auto x = s.input("hidden_states", {kBatch, kHidden}, tg::BF16);
  auto normed = s.staging("normed", {kBatch, kHidden}, tg::BF16);
  auto y = s.output("y", {kBatch, kHidden}, tg::FP32);
  auto per_row = [](tg::Arg a) { return a.tiled(tg::tile::rows(1)); };
  s.vector("rmsnorm", kd::rmsnorm(), {.x = per_row(tg::In(x)), .y = per_row(tg::Out(normed))});
  s.vector("widen", kd::cast(), {.src = per_row(tg::In(normed)), .dst = per_row(tg::Out(y))});
  const tg::Graph graph = s.finalize();

  const tg::Machine machine = tg::load_machine("a2a3");
  auto candidates = tg::tuning::fusion_candidates(graph, machine);
  const std::int64_t makespan = tg::tuning::rank_by_gain(graph, machine, candidates);
  if (candidates.empty()) {
    std::cerr << "expected rmsnorm + widen to fuse: " << tg::tuning::why_not(graph, machine, 0, 1) << "\n";
    return 1;
  }
  const auto& best = candidates.front();
  std::cout << "unfused makespan on a2a3: " << makespan / 1000.0 << " us\n"
            << best.label << ": gain " << best.gain_ns() / 1000.0 << " us (" << best.gain_pct() << "%)\n  " << best.reason << "\n";
  const tg::tuning::FusedGraph fused = tg::tuning::fuse(graph, machine, best);
  std::cout << "fused graph: " << fused.graph.num_tasks() << " task, kernel '" << fused.graph.task(0).descriptor->name << "'\n";

  tg::Tensor xs("hidden_states", tg::BF16, {kBatch, kHidden});
  auto* bits = xs.data_as<tg::bf16>();
  for (std::int64_t i = 0; i < kBatch * kHidden; ++i) bits[i] = tg::bf16(0.01f * static_cast<float>(i % 97) - 0.4f);
  tg::HostExecutor host{2};
  tg::Bindings plain = graph.bind({{"hidden_states", xs}}), joined = fused.graph.bind({{"hidden_states", xs}});
  host.run(graph, plain);
  host.run(fused.graph, joined);
  const tg::Tensor& want = plain.tensor("y");
  const tg::Tensor& got = joined.tensor("y");
  const bool same = std::memcmp(want.data(), got.data(), want.bytes()) == 0;
  std::cout << "fused outputs " << (same ? "bit-identical" : "DIFFER") << " on the host\n";
  return same && best.gain_ns() > 0 ? 0 : 1;
}
