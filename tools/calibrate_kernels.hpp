#pragma once
// The kernel shapes of a host calibration: library kernels at the tile shapes the model
// scopes use (decode's 16 padded token rows, 7168 hidden, 64-column weight tiles), as
// graphs of independent tasks, each with its inputs bound. `tilegraph calibrate --host`
// runs them on the HostExecutor beside the empty micro-graphs (trace/calibrate/micro_graphs.hpp).
#include <memory>
#include <string>
#include <vector>

#include "tasks/bindings.hpp"
#include "tasks/graph.hpp"

namespace tg::cli {

struct KernelGraph {
  std::string label;  // "8 matmul [16 x 7168] @ [7168 x 64] (bf16)"
  std::unique_ptr<Graph> graph;
  std::unique_ptr<Bindings> memory;
};

// `copies` independent tasks per shape; inputs filled from a fixed seed.
std::vector<KernelGraph> calibration_kernel_graphs(int copies);

}  // namespace tg::cli
