#include "tools/multichip_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

#include "runtime/bytes_text.hpp"
#include "runtime/multichip_machine.hpp"
#include "tools/checked_scope.hpp"
#include "trace/ranks_trace.hpp"

namespace tg::cli {

Machine chip_machine(const std::string& name_or_path) {
  if (is_multichip_machine(name_or_path)) return load_multichip_machine(name_or_path).chip;
  return load_machine(name_or_path);
}

namespace {

double us(std::int64_t ns) { return static_cast<double>(ns) / 1e3; }
double share(std::int64_t part, std::int64_t whole) { return whole > 0 ? 100.0 * static_cast<double>(part) / whole : 0; }

void print_text(const MultiChipResult& r, const MultiChipMachine& m, const std::string& what, std::ostream& out) {
  out << fmt::format("multi-chip run on {} ({}): {} chips of {}, {}\n", m.name, m.origin, m.chips(), m.chip.name, what);
  out << fmt::format("  makespan {:.3f} us (the slowest rank); exposed communication {:.1f}% of it (mean over ranks)\n",
                     us(r.makespan_ns), 100 * r.exposed_share());
  out << "  rank  makespan (us)  collectives  in collectives (us)  exposed (us)  exposed %\n";
  for (const RankCommStats& c : r.comm)
    out << fmt::format("  {:>4}  {:>13.3f}  {:>11}  {:>19.3f}  {:>12.3f}  {:>8.1f}%\n", c.rank, us(c.makespan_ns),
                       c.collectives, us(c.collective_ns), us(c.exposed_ns), share(c.exposed_ns, c.makespan_ns));
  for (const CollectiveRecord& c : r.collectives)
    out << fmt::format("  collective #{} '{}': ranks ready {:.3f} .. {:.3f} us, ends {:.3f} us ({:.3f} us alone on the links)\n"
                       "    {}\n",
                       c.index, c.label, us(c.first_ready_ns), us(c.all_ready_ns), us(c.end_ns), us(c.plan.ns()),
                       c.plan.describe());
}

nlohmann::json to_json(const MultiChipResult& r, const MultiChipMachine& m) {
  nlohmann::json j;
  j["machine"] = m.name;
  j["machine_origin"] = m.origin;
  j["chips"] = m.chips();
  j["makespan_ns"] = r.makespan_ns;
  j["exposed_share"] = r.exposed_share();
  j["ranks"] = nlohmann::json::array();
  for (const RankCommStats& c : r.comm)
    j["ranks"].push_back({{"rank", c.rank}, {"makespan_ns", c.makespan_ns}, {"collectives", c.collectives},
                          {"collective_ns", c.collective_ns}, {"exposed_ns", c.exposed_ns}});
  j["collectives"] = nlohmann::json::array();
  for (const CollectiveRecord& c : r.collectives) {
    nlohmann::json phases = nlohmann::json::array();
    for (const CollectivePhase& p : c.plan.phases)
      phases.push_back({{"dim", p.dim}, {"op", name_of(p.op)}, {"algorithm", name_of(p.algorithm)}, {"steps", p.steps},
                        {"bytes", p.bytes}, {"ns", p.ns()}});
    j["collectives"].push_back({{"index", c.index}, {"label", c.label}, {"op", name_of(c.plan.op)}, {"bytes", c.plan.bytes},
                                {"alone_ns", c.plan.ns()}, {"first_ready_ns", c.first_ready_ns},
                                {"all_ready_ns", c.all_ready_ns}, {"end_ns", c.end_ns}, {"phases", phases}});
  }
  return j;
}

void write_rank_traces(const std::vector<const Graph*>& graphs, const MultiChipResult& result,
                       const MultiChipReportOptions& report) {
  const bool replicated = graphs.size() == 1;
  std::vector<RankTimeline> ranks;
  for (std::size_t r = 0; r < result.ranks.size(); ++r)
    ranks.push_back(rank_timeline(static_cast<int>(r), *graphs[replicated ? 0 : r], result.ranks[r].timeline));
  if (!report.perfetto.empty()) {
    write_ranks_perfetto(ranks, report.perfetto);
    std::cerr << "wrote " << report.perfetto << " (a process per chip)\n";
  }
  if (!report.html.empty()) {
    write_ranks_html(ranks, report.html);
    std::cerr << "wrote " << report.html << " (a lane group per chip)\n";
  }
}

}  // namespace

void check_multichip_run(const std::vector<const Graph*>& graphs, const MultiChipMachine& machine) {
  std::int64_t blocks = 0;
  for (std::size_t r = 0; r < static_cast<std::size_t>(machine.chips()); ++r) {
    const Graph& graph = *graphs[graphs.size() == 1 ? 0 : std::min(r, graphs.size() - 1)];
    if (r == 0 || graphs.size() > 1) check_fits_machine(graph, machine.chip);
    for (const Task& t : graph.tasks()) blocks += t.block_num;
  }
  if (blocks > kMaxMultiChipBlocks)
    throw ConfigError(fmt::format(
        "machine '{}': simulating {} chips of '{}' is {} SPMD blocks in all, over the {} the multi-chip simulator takes "
        "(about {:.0f} s at ~15 us a block on a 2-vCPU host); use fewer chips or a smaller scope (--config small)",
        machine.name, machine.chips(), graphs.front()->name(), blocks, kMaxMultiChipBlocks, static_cast<double>(blocks) * 15e-6));
}

MultiChipResult report_multichip(const std::vector<const Graph*>& graphs, const MultiChipMachine& machine,
                                 const SimOptions& options, const MultiChipReportOptions& report, std::ostream& out) {
  check_multichip_run(graphs, machine);
  const MultiChipSimExecutor executor(machine, options);
  const bool replicated = graphs.size() == 1;
  const MultiChipResult result = replicated ? executor.simulate_replicated(*graphs[0]) : executor.simulate(graphs);
  if (report.json)
    out << to_json(result, machine).dump() << "\n";
  else
    print_text(result, machine,
               replicated ? "graph '" + graphs[0]->name() + "' replicated on each" : "one graph per rank", out);
  if (!report.perfetto.empty() || !report.html.empty()) {
    try {
      write_rank_traces(graphs, result, report);
    } catch (...) {
      // The report above stands; say why the exit code is not 0 (docs/cli.md, "Output files").
      (report.json ? std::cerr : out) << "an output could not be written; the error follows\n";
      throw;
    }
  }
  return result;
}

}  // namespace tg::cli
