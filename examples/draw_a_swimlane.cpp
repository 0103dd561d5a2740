// Draw a swimlane: run a small scope on the host executor and on the modelled a2a3 chip,
// and write, for each run, a self-contained HTML swimlane (open it from disk) and a
// Perfetto trace (drop it on ui.perfetto.dev), plus the graph as Graphviz DOT.
//   example_draw_a_swimlane [OUT_DIR]      (default: the system temp directory)
#include <filesystem>
#include <fstream>
#include <iostream>

#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "trace/dot.hpp"
#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "tasks/scope.hpp"

int main(int argc, char** argv) {
  const std::filesystem::path out = argc > 1 ? argv[1] : std::filesystem::temp_directory_path();

  // A row-wise SPMD stage, four column tiles of a matrix product, and a MIX epilogue.
  tg::Scope s{"swimlane_example"};
  auto x = s.input("x", {16, 128}, tg::FP32);
  auto w = s.weight("w", {128, 256}, tg::FP32);
  auto normed = s.staging("normed", {16, 128}, tg::FP32);
  auto y = s.output("y", {16, 256}, tg::FP32);
  s.vector("rmsnorm", {tg::In(x), tg::Out(normed)}).blocks(4).cost({4.0 * 4 * 128, 8.0 * 4 * 128, 0, false});
  for (int c0 = 0; c0 < 256; c0 += 64)
    s.cube("matmul", {tg::In(normed), tg::In(w.cols(c0, 64)), tg::Out(y.cols(c0, 64))})
        .cost({2.0 * 16 * 128 * 64, 4.0 * (16 * 128 + 128 * 64 + 16 * 64), 0, false});
  s.mix("epilogue", {tg::InOut(y)}).blocks(2).cost({2.0 * 16 * 256, 8.0 * 16 * 256, 0, false});
  const tg::Graph graph = s.finalize();

  // Kernels are empty here: the host run shows the executor's own overhead per task.
  tg::HostExecutor host(2);
  const tg::Timeline host_run = host.run(graph).timeline;  // no kernels: no memory needed
  const tg::Timeline chip_run = tg::SimExecutor(tg::load_machine("a2a3")).simulate(graph).timeline;

  tg::write_html_swimlane(graph, host_run, (out / "swimlane_host.html").string());
  tg::write_html_swimlane(graph, chip_run, (out / "swimlane_a2a3.html").string());
  tg::write_perfetto_trace(graph, chip_run, (out / "trace_a2a3.json").string());
  std::ofstream dot(out / "swimlane_example.dot");
  tg::write_dot(graph, dot);

  std::cout << graph.num_tasks() << " tasks; host makespan " << host_run.makespan_ns << " ns, a2a3 makespan "
            << chip_run.makespan_ns << " ns\nwrote swimlane_host.html, swimlane_a2a3.html, trace_a2a3.json and "
            << "swimlane_example.dot to " << out.string() << "\n";
  return dot ? 0 : 1;
}
