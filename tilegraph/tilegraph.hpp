#pragma once
// The one header a user includes: buffers, views and tensors, the scope builder, its graph
// and the memory of a run (Bindings), lint and the JSON scope format, the host executor, the
// modelled chip and its dispatch strategies (tg::strategy_names()), the trace writers, and
// the host tile kernels (tg::kernels). The model runs of tilegraph::models have their own
// headers (models/common/registry.hpp). Installed headers: cmake/installed_headers.cmake.
#include "kernels/kernels.hpp"
#include "runtime/bf16.hpp"
#include "runtime/buffer.hpp"
#include "runtime/dtype.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "runtime/multichip_machine.hpp"
#include "runtime/npy.hpp"
#include "runtime/tensor.hpp"
#include "runtime/view.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/modelled_collectives.hpp"
#include "scheduler/multichip_sim.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "tasks/bindings.hpp"
#include "tasks/edge_region.hpp"
#include "tasks/executor.hpp"
#include "tasks/graph.hpp"
#include "tasks/lint.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json.hpp"
#include "tasks/timeline.hpp"
#include "trace/dot.hpp"
#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "trace/ranks_trace.hpp"
#include "trace/schedule_analysis.hpp"
