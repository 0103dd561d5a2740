#include "scheduler/multichip_sim.hpp"

#include <algorithm>
#include <memory>

#include "runtime/bytes_text.hpp"
#include "runtime/error.hpp"
#include "scheduler/capacity_check.hpp"
#include "scheduler/sim/collective_network.hpp"
#include "scheduler/sim/sim_run.hpp"
#include "scheduler/strategy.hpp"

namespace tg {

std::optional<Collective> modelled_collective(const Task& task) {
  constexpr std::string_view kPrefix = "comm.";
  if (task.kind != TaskKind::Host || task.kernel_name.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  const std::string_view op = std::string_view(task.kernel_name).substr(kPrefix.size());
  if (const auto c = parse_collective(op)) return c;
  const ErrorContext where{.task = task.label()};
  if (op == "send" || op == "recv")
    throw ConfigError(where, "task '" + task.label() + "' is a " + std::string(op) +
                                 ": the multi-chip simulator models collectives only (all_reduce, all_gather, "
                                 "reduce_scatter, broadcast, all_to_all); express the exchange as one of them");
  throw ConfigError(where, "task '" + task.label() + "': kernel '" + task.kernel_name +
                               "' is no communication task the simulator knows; expected comm.all_reduce, "
                               "comm.all_gather, comm.reduce_scatter, comm.broadcast or comm.all_to_all");
}

double collective_bytes(const Task& task, Collective op) {
  const std::size_t arg = op == Collective::AllGather && task.args.size() > 1 ? 1 : 0;
  if (task.args.empty())
    throw ConfigError(ErrorContext{.task = task.label()},
                      "communication task '" + task.label() + "' has no argument; its views give the bytes it moves");
  return static_cast<double>(task.args[arg].view.bytes());
}

double MultiChipResult::exposed_share() const {
  if (comm.empty() || makespan_ns <= 0) return 0;
  double sum = 0;
  for (const RankCommStats& c : comm) sum += c.makespan_ns > 0 ? static_cast<double>(c.exposed_ns) / c.makespan_ns : 0;
  return sum / static_cast<double>(comm.size());
}

namespace {

struct RankCollectives {
  std::vector<TaskId> tasks;
  std::vector<char> is_collective;  // per task
};

RankCollectives collectives_of(const Graph& graph, int rank) {
  RankCollectives out;
  out.is_collective.assign(graph.num_tasks(), 0);
  for (const Task& task : graph.tasks()) {
    std::optional<Collective> op;
    try {
      op = modelled_collective(task);
    } catch (const ConfigError& e) {
      ErrorContext where = e.context();
      where.scope = graph.name();
      throw ConfigError(where, "rank " + std::to_string(rank) + ": " + e.detail());
    }
    if (!op) continue;
    if (task.block_num != 1)
      throw ConfigError(ErrorContext{.scope = graph.name(), .task = task.label()},
                        "rank " + std::to_string(rank) + ": communication task '" + task.label() + "' has " +
                            std::to_string(task.block_num) + " blocks; a collective is one block");
    out.tasks.push_back(task.id);
    out.is_collective[task.id] = 1;
  }
  return out;
}

std::string describe(const Task& task, Collective op, double bytes) {
  return "'" + task.label() + "' (" + std::string(name_of(op)) + " " + bytes_text(static_cast<std::uint64_t>(bytes)) + ")";
}

// Every rank must reach the same collectives in the same order (as DistributedExecutor
// checks before posting any): otherwise a run would wait forever for a missing partner.
std::vector<CollectiveRecord> matched_collectives(const std::vector<const Graph*>& graphs,
                                                  const std::vector<RankCollectives>& ranks, const Network& network) {
  std::vector<CollectiveRecord> records;
  const std::vector<TaskId>& first = ranks[0].tasks;
  for (std::size_t r = 1; r < ranks.size(); ++r) {
    const std::vector<TaskId>& mine = ranks[r].tasks;
    const std::size_t common = std::min(first.size(), mine.size());
    for (std::size_t k = 0; k < common; ++k) {
      const Task& a = graphs[0]->task(first[k]);
      const Task& b = graphs[r]->task(mine[k]);
      const Collective op_a = *modelled_collective(a), op_b = *modelled_collective(b);
      const double bytes_a = collective_bytes(a, op_a), bytes_b = collective_bytes(b, op_b);
      if (op_a != op_b || bytes_a != bytes_b)
        throw ConfigError(ErrorContext{.scope = graphs[r]->name(), .task = b.label()},
                          "collective #" + std::to_string(k) + " differs across ranks: rank 0 task " +
                              describe(a, op_a, bytes_a) + ", rank " + std::to_string(r) + " task " +
                              describe(b, op_b, bytes_b) +
                              "; every rank must submit the same collectives in the same order with the same sizes");
    }
    if (first.size() != mine.size()) {
      const bool rank0_more = first.size() > mine.size();
      const Task& extra = rank0_more ? graphs[0]->task(first[common]) : graphs[r]->task(mine[common]);
      throw ConfigError(ErrorContext{.scope = graphs[rank0_more ? 0 : r]->name(), .task = extra.label()},
                        "rank 0 has " + std::to_string(first.size()) + " collectives, rank " + std::to_string(r) +
                            " has " + std::to_string(mine.size()) + "; collective #" + std::to_string(common) + " '" +
                            extra.label() + "' of rank " + std::to_string(rank0_more ? 0 : r) +
                            " has no partner on the other (it would wait forever)");
    }
  }
  for (std::size_t k = 0; k < first.size(); ++k) {
    const Task& task = graphs[0]->task(first[k]);
    const Collective op = *modelled_collective(task);
    CollectiveRecord record;
    record.index = k;
    record.label = task.label();
    record.plan = plan_collective(network, op, collective_bytes(task, op));
    records.push_back(std::move(record));
  }
  return records;
}

// Length of the union of [begin, end) intervals, and of its part outside `cover`'s union.
struct IntervalMeasure {
  std::int64_t covered = 0, exposed = 0;
};
using Intervals = std::vector<std::pair<std::int64_t, std::int64_t>>;

Intervals merged(Intervals v) {
  std::sort(v.begin(), v.end());
  Intervals out;
  for (const auto& [b, e] : v) {
    if (e <= b) continue;
    if (!out.empty() && b <= out.back().second)
      out.back().second = std::max(out.back().second, e);
    else
      out.emplace_back(b, e);
  }
  return out;
}

IntervalMeasure measure(const Intervals& comm, const Intervals& compute) {
  IntervalMeasure m;
  const Intervals c = merged(comm), busy = merged(compute);
  std::size_t j = 0;
  for (const auto& [b, e] : c) {
    m.covered += e - b;
    std::int64_t hidden = 0;
    while (j < busy.size() && busy[j].second <= b) ++j;
    for (std::size_t i = j; i < busy.size() && busy[i].first < e; ++i)
      hidden += std::min(e, busy[i].second) - std::max(b, busy[i].first);
    m.exposed += e - b - hidden;
  }
  return m;
}

RankCommStats comm_stats(int rank, const SimResult& result, const std::vector<char>& is_collective) {
  RankCommStats s;
  s.rank = rank;
  s.makespan_ns = result.timeline.makespan_ns;
  Intervals comm, compute;
  for (const TimelineRow& row : result.timeline.rows()) {
    if (is_collective[row.task]) {
      comm.emplace_back(row.start_ns, row.end_ns);
      ++s.collectives;
    } else {
      compute.emplace_back(row.start_ns, row.end_ns);
    }
  }
  const IntervalMeasure m = measure(comm, compute);
  s.collective_ns = m.covered;
  s.exposed_ns = m.exposed;
  return s;
}

}  // namespace

MultiChipSimExecutor::MultiChipSimExecutor(MultiChipMachine machine, SimOptions options)
    : machine_(std::move(machine)), options_(std::move(options)) {
  machine_.validate();
  make_strategy(options_.strategy);  // fail early on an unknown name
}

MultiChipResult MultiChipSimExecutor::simulate(const std::vector<Graph>& graphs) const {
  std::vector<const Graph*> pointers;
  for (const Graph& g : graphs) pointers.push_back(&g);
  return simulate(pointers);
}

MultiChipResult MultiChipSimExecutor::simulate_replicated(const Graph& graph) const {
  return simulate(std::vector<const Graph*>(static_cast<std::size_t>(machine_.chips()), &graph));
}

MultiChipResult MultiChipSimExecutor::simulate(const std::vector<const Graph*>& graphs) const {
  const int chips = machine_.chips();
  if (static_cast<int>(graphs.size()) != chips)
    throw ConfigError("machine '" + machine_.name + "' has " + std::to_string(chips) + " chips; got " +
                      std::to_string(graphs.size()) + " rank graphs (give one per chip, or one graph to replicate)");
  std::vector<RankCollectives> ranks;
  for (int r = 0; r < chips; ++r) {
    check_capacity(*graphs[static_cast<std::size_t>(r)], machine_.chip);
    ranks.push_back(collectives_of(*graphs[static_cast<std::size_t>(r)], r));
  }
  std::vector<CollectiveRecord> records = matched_collectives(graphs, ranks, machine_.network);

  std::vector<std::unique_ptr<DispatchStrategy>> strategies;
  std::vector<std::unique_ptr<sim::SimRun>> runs;
  std::vector<sim::SimRun*> run_pointers;
  std::vector<std::vector<TaskId>> tasks;
  for (int r = 0; r < chips; ++r) {
    strategies.push_back(make_strategy(options_.strategy));
    SimOptions chip_options = options_;
    if (chip_options.jitter_seed) *chip_options.jitter_seed += static_cast<std::uint64_t>(r);  // chips do not jitter in lockstep
    runs.push_back(std::make_unique<sim::SimRun>(*graphs[static_cast<std::size_t>(r)], machine_.chip, chip_options, *strategies.back()));
    run_pointers.push_back(runs.back().get());
    tasks.push_back(ranks[static_cast<std::size_t>(r)].tasks);
  }
  sim::CollectiveNetwork network(machine_.network, run_pointers, std::move(tasks), std::move(records));
  for (int r = 0; r < chips; ++r) {
    runs[static_cast<std::size_t>(r)]->attach(network, r, ranks[static_cast<std::size_t>(r)].is_collective);
    runs[static_cast<std::size_t>(r)]->begin();
  }
  // One clock for all: at each instant the network's events first (a collective's end makes
  // tasks end on the chips), then each chip's, in rank order; an instant repeats while any
  // of them left work at it.
  while (true) {
    bool any = !network.idle();
    std::int64_t now = any ? network.next_time() : 0;
    for (const auto& run : runs)
      if (!run->idle()) {
        now = any ? std::min(now, run->next_time()) : run->next_time();
        any = true;
      }
    if (!any) break;
    if (!network.idle() && network.next_time() == now) network.step(now);
    for (const auto& run : runs)
      if (!run->idle() && run->next_time() == now) run->step(now);
  }
  if (const auto missing = network.unfinished(); !missing.empty())
    throw Error("simulator: collective #" + std::to_string(missing.front()) + " was not reached by every rank (" +
                std::to_string(missing.size()) + " collectives unfinished): a rank's run stalled before it");

  MultiChipResult result;
  result.collectives = network.take_records();
  for (int r = 0; r < chips; ++r) {
    result.ranks.push_back(runs[static_cast<std::size_t>(r)]->finish(options_.strategy));
    result.ranks.back().timeline.source = "sim:" + machine_.name + ":rank" + std::to_string(r) + ":" + options_.strategy;
    result.comm.push_back(comm_stats(r, result.ranks.back(), ranks[static_cast<std::size_t>(r)].is_collective));
    result.makespan_ns = std::max(result.makespan_ns, result.ranks.back().timeline.makespan_ns);
  }
  return result;
}

}  // namespace tg
