// tilegraph sim: simulate a JSON scope (or a model's scope) on a modelled chip (timing only)
// and report the schedule, e.g.
//   tilegraph sim scope.json --machine a2a3 --strategy all
//   tilegraph sim scope.json --machine a5 --strategy critical-path --perfetto t.json --html t.html
//   tilegraph sim v32-decode-scope1 --config small --machine a2a3 --advise --top 5
//   tilegraph sim scope.json --machine a2a3x4      (the scope on each of 4 chips: multichip_report.hpp)
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <iostream>

#include "runtime/atomic_file.hpp"
#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "runtime/multichip_machine.hpp"
#include "trace/schedule_analysis.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "tasks/scope_json.hpp"
#include "runtime/bytes_text.hpp"
#include "models/common/registry.hpp"
#include "tools/checked_scope.hpp"
#include "tools/command.hpp"
#include "tools/model_options.hpp"
#include "tools/multichip_report.hpp"
#include "tuning/fusion_gain.hpp"
#include "tuning/fusion_report.hpp"

namespace {

constexpr std::uint64_t kMaxRingKib = std::uint64_t{1} << 32;  // 4 TiB: ring_kib * 1024 cannot wrap

struct SimArgs {
  std::string file;
  std::string machine = "a2a3";
  std::string strategy = "fifo";
  std::string staging = "last-use";
  std::uint64_t ring_kib = 0;
  std::string perfetto;
  std::string html;
  bool show_machine = false;
  bool allow_hazards = false;
  std::optional<std::uint64_t> jitter;  // seed of the first jittered run
  int seeds = 10;                       // jittered runs per strategy
  std::string format = "text";
  std::string config;          // a model's config (small | full), for a model name
  std::string mode;            // a model's mode (V3.2: staged | fused | ...), for a model name
  bool advise = false;         // list the fusion candidates with their simulated gain
  bool fuse = false;           // and apply those with a positive gain, simulating the result
  bool machine_given = false;  // --machine on the command line (--advise needs it)
  int top = 10;
};

bool is_model_name(const std::string& name) {
  for (const auto& m : tg::models::model_registry())
    if (m.name == name) return true;
  return false;
}

// A JSON scope file, or the scope of a model named as `tilegraph run` names it.
std::optional<tg::Graph> sim_graph(const SimArgs& a, std::ostream& out) {
  if (!std::filesystem::exists(a.file) && is_model_name(a.file)) {
    tg::models::ModelOptions options;
    if (!a.config.empty()) options.config = a.config;
    options.mode = a.mode;
    const auto& entry = tg::models::find_model(a.file);
    tg::cli::check_model_options(entry, options);
    return entry.make(options)->graph();
  }
  if (!a.config.empty() || !a.mode.empty())
    throw tg::cli::UsageError(std::string(a.config.empty() ? "--mode" : "--config") + " chooses a model's " +
                              (a.config.empty() ? "mode" : "config") + "; '" + a.file + "' is a JSON scope file");
  return tg::cli::read_checked_scope(a.file, a.allow_hazards, out);
}

// The candidates best first, each fused graph simulated with `options` (--advise); with
// `apply` (--fuse), the gainful ones applied together and that graph simulated too.
tg::tuning::FusionAdvice fusion_advice(const tg::Graph& graph, const tg::Machine& machine, const tg::SimOptions& options,
                                       bool apply) {
  tg::tuning::FusionAdvice advice;
  advice.scope = graph.name();
  advice.machine = machine.name;
  advice.strategy = options.strategy;
  advice.candidates = tg::tuning::fusion_candidates(graph, machine);
  advice.makespan_ns = tg::tuning::rank_by_gain(graph, machine, advice.candidates, options);
  if (apply) {
    const tg::tuning::FusedGraph fused = tg::tuning::fuse_gainful(graph, machine, advice.candidates);
    advice.applied = fused.applied;
    advice.skipped = fused.skipped;
    advice.fused_tasks = fused.graph.num_tasks();
    advice.fused_makespan_ns = tg::SimExecutor(machine, options).simulate(fused.graph).timeline.makespan_ns;
  }
  return advice;
}

// Makespans of `seeds` jittered runs (seed, seed + 1, ...) of one strategy.
std::vector<std::int64_t> seed_makespans(const tg::Graph& graph, const tg::Machine& machine, tg::SimOptions options,
                                         std::uint64_t seed, int seeds) {
  std::vector<std::int64_t> makespans;
  for (int i = 0; i < seeds; ++i) {
    options.jitter_seed = seed + static_cast<std::uint64_t>(i);
    makespans.push_back(tg::SimExecutor(machine, options).simulate(graph).timeline.makespan_ns);
  }
  return makespans;
}

std::string us_text(double ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f us", ns / 1000.0);
  return buf;
}

// "out.json" -> "out.fifo.json" when several strategies write files.
std::string per_strategy_path(const std::string& path, const std::string& strategy, bool several) {
  if (!several || path.empty()) return path;
  std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + "." + strategy + p.extension().string())).string();
}

tg::SimOptions staging_options(const SimArgs& a) {
  tg::SimOptions options;
  if (a.staging == "scope-exit") {
    options.staging = tg::StagingRelease::ScopeExitRing;
    options.ring_bytes = a.ring_kib * 1024;
  } else if (a.ring_kib) {
    throw tg::ConfigError("--ring-kib sizes the scope-exit rings; add --staging scope-exit");
  }
  return options;
}

// A multi-chip machine: the scope runs on every chip (its collectives span them all).
int run_multichip_sim(const SimArgs& a, const tg::Graph& graph) {
  if (a.strategy == "all")
    throw tg::ConfigError("--strategy all compares strategies on one chip; give one strategy with the multi-chip machine '" +
                          a.machine + "'");
  const tg::MultiChipMachine machine = tg::load_multichip_machine(a.machine);
  const bool json = a.format == "json";
  if (a.show_machine && !json) std::cout << machine.summary() << "\n";
  tg::SimOptions options = staging_options(a);
  options.strategy = a.strategy;
  options.jitter_seed = a.jitter;
  tg::cli::report_multichip({&graph}, machine, options, {a.perfetto, a.html, json}, std::cout);
  return 0;
}

int run_sim(const SimArgs& a) {
  const bool json = a.format == "json";  // stdout is the JSON object alone: lint findings go to stderr
  if (a.fuse && !a.advise) throw tg::cli::UsageError("--fuse applies what --advise finds; add --advise");
  if (a.advise && !a.machine_given)
    throw tg::cli::UsageError("--advise needs --machine: a fusion's gain is simulated on a machine (a2a3, a5, or a machine JSON file)");
  if (a.advise && a.strategy == "all") throw tg::cli::UsageError("--advise simulates one strategy; give --strategy NAME, not all");
  auto checked = sim_graph(a, json ? std::cerr : std::cout);
  if (!checked) return 1;
  const tg::Graph& graph = *checked;
  if (tg::is_multichip_machine(a.machine)) {
    if (a.advise)
      throw tg::cli::UsageError("--advise simulates fusions on one chip; give a chip preset (a2a3, a5), not the multi-chip '" +
                                a.machine + "'");
    return run_multichip_sim(a, graph);
  }
  const tg::Machine machine = tg::load_machine(a.machine);
  if (a.show_machine && !json) std::cout << machine.summary() << "\n";
  tg::cli::check_fits_machine(graph, machine);

  tg::SimOptions options = staging_options(a);
  const std::vector<std::string> strategies =
      a.strategy == "all" ? tg::strategy_names() : std::vector<std::string>{a.strategy};
  const bool several = strategies.size() > 1;
  std::optional<tg::tuning::FusionAdvice> advice;
  if (a.advise) {
    options.strategy = strategies.front();
    options.jitter_seed = a.jitter;
    advice = fusion_advice(graph, machine, options, a.fuse);
  }

  std::vector<tg::ScheduleAnalysis> analyses;
  std::vector<tg::RunReport> reports;
  std::vector<std::string> peak_last_use, peak_scope_exit, events, seed_means, seed_spreads;
  std::size_t without_cost = 0;
  for (const auto& name : strategies) {
    options.strategy = name;
    options.jitter_seed = a.jitter;
    const tg::SimResult result = tg::SimExecutor(machine, options).simulate(graph);
    analyses.push_back(tg::analyze_schedule(graph, result.timeline, &machine, &result.model));
    tg::RunReport report{name, analyses.back(), {}, {}};
    report.figures = {{"peak_staging_last_use_bytes", static_cast<double>(result.peak_staging_bytes_last_use)},
                      {"peak_staging_scope_exit_bytes", static_cast<double>(result.peak_staging_bytes_scope_exit)},
                      {"events", static_cast<double>(result.events)},
                      {"tasks_without_cost", static_cast<double>(result.tasks_without_cost)}};
    // A comparison over seeds: the spread says whether two strategies differ beyond the jitter.
    if (a.jitter) {
      report.seed_makespans_ns = seed_makespans(graph, machine, options, *a.jitter, a.seeds);
      const tg::SeedSpread spread = tg::seed_spread(report.seed_makespans_ns);
      seed_means.push_back(us_text(spread.mean_ns));
      seed_spreads.push_back("+-" + us_text(spread.stddev_ns));
    }
    reports.push_back(report);
    peak_last_use.push_back(tg::bytes_text(result.peak_staging_bytes_last_use));
    peak_scope_exit.push_back(tg::bytes_text(result.peak_staging_bytes_scope_exit));
    events.push_back(std::to_string(result.events));
    without_cost = result.tasks_without_cost;
    if (const auto path = per_strategy_path(a.perfetto, name, several); !path.empty()) {
      tg::write_stream_atomically(path, [&](std::ostream& out) { tg::write_perfetto_trace(graph, result.timeline, out); });
      std::cerr << "wrote " << path << "\n";
    }
    if (const auto path = per_strategy_path(a.html, name, several); !path.empty()) {
      std::vector<tg::HtmlSection> sections;
      if (advice) sections.push_back(tg::tuning::advice_section(*advice, a.top));
      tg::write_stream_atomically(path, [&](std::ostream& out) { tg::write_html_swimlane(graph, result.timeline, out, sections); });
      std::cerr << "wrote " << path << "\n";
    }
    if (!several && !json) {
      std::cout << "scope '" << graph.name() << "': " << graph.num_tasks() << " tasks, " << graph.edges().size()
                << " edges on " << machine.name << " (" << machine.origin << ")\n"
                << tg::format_analysis(analyses.back()) << "  peak staging: " << peak_last_use.back()
                << " released at last use, " << peak_scope_exit.back() << " held to scope exit\n";
      if (!report.seed_makespans_ns.empty()) {
        const tg::SeedSpread spread = tg::seed_spread(report.seed_makespans_ns);
        std::cout << "  makespan over " << a.seeds << " seeds from " << *a.jitter << ": mean " << us_text(spread.mean_ns)
                  << ", std dev " << us_text(spread.stddev_ns) << ", " << us_text(static_cast<double>(spread.min_ns))
                  << " .. " << us_text(static_cast<double>(spread.max_ns)) << "\n";
      }
      for (const auto& ring : result.rings)
        if (ring.peak_bytes)
          std::cout << "    " << ring.name << ": peak " << tg::bytes_text(ring.peak_bytes)
                    << (ring.capacity_bytes ? " of " + tg::bytes_text(ring.capacity_bytes) : std::string()) << "\n";
    }
  }
  if (json) {
    std::string text = tg::report_json({{"scope", graph.name()},
                                        {"tasks", std::to_string(graph.num_tasks())},
                                        {"edges", std::to_string(graph.edges().size())},
                                        {"machine", machine.name},
                                        {"machine_origin", machine.origin}},
                                       reports);
    if (advice) {  // one object still: the report's keys, and "fusion"
      auto object = nlohmann::json::parse(text);
      object["fusion"] = nlohmann::json::parse(tg::tuning::advice_json(*advice, a.top));
      text = object.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::cout << text << "\n";
  } else if (several) {
    std::vector<std::pair<std::string, std::vector<std::string>>> extra = {
        {"peak staging (last use)", peak_last_use},
        {"peak staging (scope exit)", peak_scope_exit},
        {"simulated events", events},
        {"bound by", {}}};
    for (const auto& an : analyses) extra.back().second.push_back(an.bound_by);
    if (a.jitter) {
      extra.push_back({"makespan mean, " + std::to_string(a.seeds) + " seeds", seed_means});
      extra.push_back({"  spread (std dev)", seed_spreads});
    }
    std::cout << "scope '" << graph.name() << "': " << graph.num_tasks() << " tasks, " << graph.edges().size()
              << " edges on " << machine.name << " (" << machine.origin << ")\n"
              << tg::format_comparison(strategies, analyses, extra);
  }
  if (advice && !json) std::cout << tg::tuning::format_advice(*advice, a.top);
  if (without_cost)
    std::cerr << "note: " << without_cost << " tasks have no cost hint and were modelled as the kernel overhead ("
              << machine.kernel_overhead_ns << " ns) alone\n";
  return 0;
}

tg::cli::CommandRegistration sim_command{"sim", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("sim", "Simulate a JSON scope on a modelled chip and analyse the schedule");
  auto args = std::make_shared<SimArgs>();
  std::vector<std::string> strategies = tg::strategy_names();
  strategies.push_back("all");
  cmd->add_option("file", args->file, "JSON scope file (docs/json_scope_format.md), or a model name (tilegraph run --help)")->required();
  cmd->add_option("--machine", args->machine, "machine preset (a2a3, a5, host; multi-chip a2a3x2, a2a3x4, a2a3x8: the scope on every chip) or machine JSON file")
      ->check(tg::cli::non_empty_value("a machine preset (a2a3, a5, host) or a machine .json file"))
      ->capture_default_str()
      ->each([args](const std::string&) { args->machine_given = true; });
  cmd->add_option("--config", args->config, "a model's config: small or full (model names only)")
      ->check(CLI::IsMember({"small", "full"}));
  cmd->add_option("--mode", args->mode, "a model's mode, as tilegraph run takes it (model names only)")
      ->check(tg::cli::non_empty_value("a mode of the model (tilegraph run --help lists each model's)"));
  auto* advise = cmd->add_flag("--advise", args->advise,
                "list the fusion candidates, best first, with the makespan each would gain (simulated; docs/tuning.md)");
  cmd->add_flag("--fuse", args->fuse, "with --advise: apply the candidates with a positive gain, best first, and simulate the fused graph");
  cmd->add_option("--top", args->top, "how many fusion candidates --advise shows")
      ->check(tg::cli::integer_in(1, 1000000, "candidates"))
      ->needs(advise)
      ->capture_default_str();
  cmd->add_option("--strategy", args->strategy, "dispatch strategy, or all for a side-by-side table")
      ->check(CLI::IsMember(strategies))
      ->capture_default_str();
  cmd->add_option("--staging", args->staging, "staging release: at last use, or at scope exit from FIFO rings")
      ->check(CLI::IsMember({"last-use", "scope-exit"}))
      ->capture_default_str();
  cmd->add_option("--ring-kib", args->ring_kib, "size of each scope depth's ring in KiB (scope-exit; 0 = unbounded)")
      ->check(tg::cli::integer_in(0, kMaxRingKib, "KiB; 0 = unbounded, at most 4 TiB"));
  const auto perfetto_file = tg::cli::output_file("a file name for the Perfetto JSON");
  auto* perfetto = cmd->add_option("--perfetto", args->perfetto, "write a Perfetto / Chrome trace JSON (per strategy with --strategy all)")
                       ->check(perfetto_file);
  tg::cli::deprecated_alias(cmd, "--trace", perfetto, args->perfetto, perfetto_file);
  cmd->add_option("--html", args->html, "write a self-contained HTML swimlane (per strategy with --strategy all)")
      ->check(tg::cli::output_file("a file name for the HTML swimlane"));
  cmd->add_flag("--allow-hazards", args->allow_hazards, "run a graph with lint errors anyway (the lint report is printed)");
  cmd->add_flag("--show-machine", args->show_machine, "print the machine's figures first");
  cmd->add_option("--jitter", args->jitter,
                  "draw latencies from the machine's measured spreads with this seed; with --strategy all, compare "
                  "over --seeds seeds (SEED, SEED+1, ...) with mean and spread")
      ->check(tg::cli::integer_in(0, UINT64_MAX, "a 64-bit unsigned seed"));
  cmd->add_option("--seeds", args->seeds, "jittered runs per strategy in a comparison (with --jitter)")
      ->check(tg::cli::integer_in(1, 1000, "runs"))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "text, or json: one object with stable keys for scripts")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->callback([&exit_code, args] { exit_code = run_sim(*args); });
}};

}  // namespace
