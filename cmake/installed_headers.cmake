# The public headers: what `cmake --install` puts under include/tilegraph/, and so what a user
# may include. Everything else is internal: it may change or vanish between versions.
#
# Public: the umbrella tilegraph/tilegraph.hpp and every header it includes (buffers, views,
# scopes, graphs, bindings, lint, JSON scopes, executors, strategies, traces); the kernels
# (kernels/kernels.hpp and one header per kernel); the model runs of tilegraph::models.
# Internal: kernels/detail/ (ISA paths), the executors' machinery (staging pools and trackers,
# the capacity check, functional replay, each strategy's implementation), the region index
# and lint rule internals, the JSON document reader, the trace writers' shared pieces, file
# and text helpers, and the models' goldens, demo inputs and tile arithmetic.
#
# The test install.public_headers_closed fails when an installed header includes one that is
# not listed here, naming both: add the included header below, or stop including it.
set(TG_PUBLIC_HEADERS
  tilegraph/tilegraph.hpp
  # runtime
  runtime/bf16.hpp runtime/box.hpp runtime/buffer.hpp runtime/chip_model_stats.hpp runtime/dtype.hpp runtime/error.hpp
  runtime/fp16.hpp runtime/machine.hpp runtime/npy.hpp runtime/tensor.hpp runtime/view.hpp
  runtime/network.hpp runtime/multichip_machine.hpp runtime/collective_cost.hpp
  # tasks
  tasks/access.hpp tasks/bindings.hpp tasks/chunked_vector.hpp tasks/diagnostic.hpp tasks/edge.hpp tasks/edge_region.hpp tasks/executor.hpp
  tasks/graph.hpp tasks/lint.hpp tasks/region_map.hpp tasks/scope.hpp tasks/scope_json.hpp
  tasks/task.hpp tasks/timeline.hpp
  tasks/block_tiles.hpp tasks/kernel_descriptor.hpp tasks/kernel_registry.hpp tasks/typed_kernel.hpp
  tasks/onchip_buffer.hpp
  # scheduler
  scheduler/host_executor.hpp scheduler/sim_executor.hpp scheduler/strategy.hpp scheduler/multichip_sim.hpp
  scheduler/modelled_collectives.hpp
  scheduler/sim/free_set.hpp scheduler/sim/metered.hpp  # the strategy interface's free-group set
  # the library kernels' descriptors (tilegraph::kernel_descriptors)
  kernels/descriptors/descriptors.hpp kernels/descriptors/elementwise.hpp kernels/descriptors/matmul.hpp
  kernels/descriptors/quant.hpp kernels/descriptors/registry.hpp kernels/descriptors/rmsnorm.hpp
  kernels/descriptors/rope.hpp kernels/descriptors/rows.hpp kernels/descriptors/softmax.hpp
  # distributed (ranks on MPI; linking tilegraph::distributed brings MPI)
  distributed/collectives.hpp distributed/comm.hpp distributed/distributed_executor.hpp
  distributed/mpi_session.hpp distributed/rank_error.hpp distributed/rank_trace.hpp distributed/shard.hpp
  # trace
  trace/dot.hpp trace/html.hpp trace/perfetto.hpp trace/schedule_analysis.hpp trace/ranks_trace.hpp
  # kernels
  kernels/kernels.hpp kernels/cast.hpp kernels/cpu_path.hpp kernels/inv_sqrt.hpp kernels/matmul.hpp
  kernels/packed_weights.hpp kernels/quant.hpp kernels/rmsnorm.hpp kernels/rope.hpp kernels/scale.hpp
  kernels/softmax.hpp
  # models: the registry and the runnable scopes
  models/common/registry.hpp models/common/model_run.hpp models/common/input_checks.hpp
  models/common/precision.hpp models/common/tensor_map.hpp models/common/weight_packs.hpp
  models/common/planted_bug.hpp models/common/tile_params.hpp
  models/deepseek_v3_2/config.hpp models/deepseek_v3_2/scope1.hpp models/deepseek_v3_2/scope1_run.hpp
  models/deepseek_v4/config.hpp models/deepseek_v4/qkv_proj_rope.hpp models/deepseek_v4/qkv_run.hpp
  models/deepseek_v4/swa_attention.hpp models/deepseek_v4/swa_run.hpp
  # tuning: fusion candidates, the fused-graph transform, their gains (tilegraph::tuning)
  tuning/fusion_candidates.hpp tuning/fused_graph.hpp tuning/fused_task.hpp tuning/fusion_gain.hpp tuning/fusion_report.hpp)
