#pragma once
// Inputs for the trace exporter tests: small graphs with every task kind and edge kind,
// and timelines built by hand (a plain list schedule written here, not an executor), shaped
// like the simulator's (g<i>.AIC/AIV0/AIV1, sched, host lanes; one row per block and
// active MIX subslot) or like the host executor's ("thread i" lanes, one row per block).
#include <algorithm>
#include <bit>
#include <random>
#include <string>
#include <vector>

#include "tasks/timeline.hpp"
#include "tasks/scope.hpp"

namespace tg::test {

// load (vector x2) -> proj (cube) -> mix_attn (mix x2, AIC + AIV0) -> report (host),
// load -> side (vector) -> report, plus an explicit report.after(load) that the transitive
// reduction drops, and a WAR edge (side overwrites what proj read).
inline Graph mixed_kind_graph() {
  Scope s{"mixed_kinds"};
  auto x = s.input("x", {16, 64}, FP32);
  auto a = s.staging("a", {16, 64}, FP32);
  auto b = s.staging("b", {16, 64}, FP32);
  auto out = s.output("out", {16, 64}, FP32);
  const TaskId load = s.vector("load", {In(x), Out(a)}).blocks(2);
  s.cube("proj", {In(a.cols(0, 32)), Out(b.cols(0, 32))});
  s.mix("mix_attn", {In(b.cols(0, 32)), Out(out.cols(0, 32))}).blocks(2).mix_slots(kSlotAic | kSlotAiv0);
  s.vector("side", {In(a.cols(32, 32)), Out(a.cols(0, 32))});  // WAR on a[:, 0:32] after proj
  s.host("report", {In(out.cols(0, 32)), In(a)}).after(load);
  return s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
}

// Tasks that declare SPMD tiles (tasks/block_tiles.hpp): `rows` writes y in 2-row tiles (4
// blocks, the last one short: 7 rows), `grid` writes z in 4 x 16 tiles of a 2 x 2 grid, and
// `whole` declares none (its blocks cut by hand: the trace cannot name their tiles).
inline Graph tiled_graph() {
  Scope s{"tiled"};
  auto x = s.input("x", {7, 32}, FP32);
  auto y = s.staging("y", {7, 32}, FP32);
  auto z = s.output("z", {8, 32}, FP32);
  auto w = s.output("w", {8, 32}, FP32);
  s.vector("rows", {In(x).tiled(tile::rows(2)), Out(y).tiled(tile::rows(2))});
  s.cube("grid", {In(y), Out(z).tiled(tile::grid(4, 16))});
  s.vector("whole", {In(y), Out(w)}).blocks(2);
  return s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
}

// Random DAG of `n` tasks: random kinds and block counts, edges inferred from random row
// slices of two buffers (raw / war / waw) plus some explicit after() edges.
inline Graph random_graph(std::mt19937& rng, int n) {
  Scope s{"random_trace"};
  auto p = s.inout("p", {64, 8}, FP32);
  auto q = s.inout("q", {64, 8}, FP32);
  for (int t = 0; t < n; ++t) {
    const auto kind = static_cast<TaskKind>(rng() % 4);
    auto slice = [&](const View& v) {
      const std::int64_t r0 = rng() % 64;
      return v.rows(r0, 1 + static_cast<std::int64_t>(rng() % static_cast<unsigned>(64 - r0)));
    };
    std::vector<Arg> args{In(slice(rng() % 2 ? p : q)), Out(slice(rng() % 2 ? p : q))};
    auto ref = s.submit(kind, "task" + std::to_string(t % 7), std::move(args), {});
    ref.blocks(1 + static_cast<int>(rng() % 3));
    if (kind == TaskKind::Mix) ref.mix_slots(static_cast<std::uint8_t>(1 + rng() % 7));
    if (t > 2 && rng() % 4 == 0) ref.after(static_cast<TaskId>(rng() % static_cast<unsigned>(t)));
  }
  return s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
}

// Σ over tasks of block_num × active subslots (MIX: the set bits of mix_slots), written
// out plainly: the number of rows a complete simulator timeline has.
inline std::size_t sim_rows_of(const Graph& g) {
  std::size_t rows = 0;
  for (const Task& t : g.tasks()) {
    int subslots = 1;
    if (t.kind == TaskKind::Mix) {
      subslots = 0;
      for (int bit = 0; bit < 3; ++bit) subslots += (t.mix_slots >> bit) & 1;
    }
    rows += static_cast<std::size_t>(t.block_num * subslots);
  }
  return rows;
}

// A simulator-shaped timeline: `groups` core groups, one scheduler lane, one host lane.
// Tasks in topological order; each block starts when its predecessors finished and its
// core is free (every phase takes fixed times), one scheduler span per block.
inline Timeline sim_like_timeline(const Graph& g, int groups = 2) {
  Timeline tl;
  tl.source = "hand:sim-like";
  for (int i = 0; i < groups; ++i)
    for (const char* core : {"AIC", "AIV0", "AIV1"})
      tl.lanes.push_back(Lane{"g" + std::to_string(i) + "." + core,
                              std::string(core) == "AIC" ? LaneKind::Aic : LaneKind::Aiv, i});
  const auto sched_lane = static_cast<std::uint16_t>(tl.lanes.size());
  tl.lanes.push_back(Lane{"sched 0", LaneKind::Scheduler, -1});
  const auto host_lane = static_cast<std::uint16_t>(tl.lanes.size());
  tl.lanes.push_back(Lane{"host 0", LaneKind::Host, -1});

  std::vector<std::int64_t> lane_free(tl.lanes.size(), 0), task_finish(g.num_tasks(), 0);
  std::int64_t sched_free = 0;
  int next_group = 0, next_aiv = 0;
  for (TaskId t : g.topo_order()) {
    const Task& task = g.task(t);
    std::int64_t ready = 100 * static_cast<std::int64_t>(t);  // submit times step by 100 ns
    const std::int64_t submit = ready;
    for (TaskId p : g.predecessors(t)) ready = std::max(ready, task_finish[p]);
    for (int b = 0; b < task.block_num; ++b) {
      std::vector<std::pair<std::uint16_t, std::uint8_t>> slots;  // (lane, subslot)
      const auto group = static_cast<std::uint16_t>(3 * (next_group++ % groups));
      if (task.kind == TaskKind::Host) {
        slots.push_back({host_lane, 0});
      } else if (task.kind == TaskKind::Cube) {
        slots.push_back({group, 0});
      } else if (task.kind == TaskKind::Vector) {
        slots.push_back({static_cast<std::uint16_t>(group + 1 + (next_aiv++ % 2)), 0});
      } else {
        for (std::uint8_t sub = 0; sub < 3; ++sub)
          if (task.mix_slots & (1u << sub)) slots.push_back({static_cast<std::uint16_t>(group + sub), sub});
      }
      std::int64_t free = ready;
      for (auto [lane, sub] : slots) free = std::max(free, lane_free[lane]);
      const std::int64_t dispatch = std::max(free, sched_free);
      sched_free = dispatch + 50;
      if (task.kind != TaskKind::Host) tl.add_span(LaneSpan{t, b, sched_lane, dispatch, dispatch + 50});
      const std::int64_t start = dispatch + 80, end = start + 1000 + 10 * static_cast<std::int64_t>(t % 5);
      for (auto [lane, sub] : slots) {
        tl.add_row(TimelineRow{t, b, lane, sub, submit, ready, dispatch, start, end, end + 30});
        lane_free[lane] = end + 30;
      }
      task_finish[t] = std::max(task_finish[t], end + 30);
    }
  }
  for (const auto& r : tl.rows()) tl.makespan_ns = std::max(tl.makespan_ns, r.finish_ns);
  for (const auto& s : tl.scheduler_spans()) tl.makespan_ns = std::max(tl.makespan_ns, s.end_ns);
  return tl;
}

}  // namespace tg::test
