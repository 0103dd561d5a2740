#pragma once
// The one header a user includes: buffers and views, the scope builder, the graph, and the
// host executor. Kernels, models, simulator and trace exporters have their own headers.
#include "runtime/bf16.hpp"
#include "runtime/buffer.hpp"
#include "runtime/dtype.hpp"
#include "runtime/error.hpp"
#include "runtime/view.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/timeline.hpp"
#include "tasks/graph.hpp"
#include "tasks/scope.hpp"
