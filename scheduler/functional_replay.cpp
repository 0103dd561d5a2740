#include "scheduler/functional_replay.hpp"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "runtime/error.hpp"
#include "scheduler/tsan_handoff.hpp"

namespace tg {
namespace {

void run_block(const Task& task, int block, std::byte* const* memory) {
  try {
    task.kernel(TaskContext(task, block, memory));
  } catch (const KernelError&) {
    throw;
  } catch (const std::exception& e) {
    throw KernelError(task.label(), block, e.what());
  } catch (...) {
    throw KernelError(task.label(), block, "unknown exception");
  }
}

}  // namespace

void replay_kernels(const Graph& graph, const Timeline& timeline, std::byte* const* memory, int threads) {
  const std::size_t n = graph.num_tasks();
  std::vector<std::int64_t> first_start(n, std::numeric_limits<std::int64_t>::max());
  for (const auto& r : timeline.rows()) first_start[r.task] = std::min(first_start[r.task], r.start_ns);
  std::vector<TaskId> order(n);
  for (TaskId t = 0; t < n; ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](TaskId a, TaskId b) {
    return first_start[a] != first_start[b] ? first_start[a] < first_start[b] : a < b;
  });

  std::vector<std::int32_t> batch_of(n, -1);
  std::vector<std::pair<TaskId, int>> blocks;  // (task, block) of the current batch
  std::int32_t batch = 0;
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  TsanHandoff handoff;
  const auto run_one = handed([&](std::size_t i) {
    handoff.observe();
    run_block(graph.task(blocks[i].first), blocks[i].second, memory);
    handoff.publish();
  });
  auto flush = [&] {
    handoff.publish();
    arena.execute([&] { tbb::parallel_for(std::size_t{0}, blocks.size(), run_one); });
    handoff.observe();
    blocks.clear();
    ++batch;
  };
  for (TaskId t : order) {
    bool producer_in_batch = false;
    for (TaskId p : graph.predecessors(t)) {
      if (batch_of[p] < 0)
        throw Error("functional replay of '" + graph.name() + "': task '" + graph.task(t).label() +
                    "' starts before its producer '" + graph.task(p).label() + "' in the timeline");
      producer_in_batch = producer_in_batch || batch_of[p] == batch;
    }
    if (producer_in_batch) flush();
    batch_of[t] = batch;
    const Task& task = graph.task(t);
    if (task.kernel)
      for (int b = 0; b < task.block_num; ++b) blocks.emplace_back(t, b);
  }
  flush();
}

}  // namespace tg
