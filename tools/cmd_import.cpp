// tilegraph import DIR: reads a device capture (chip_swimlane_records.json, deps.json,
// name_map*.json; docs/calibration.md) and analyses it like a simulated run, e.g.
//   tilegraph import outputs/PagedAttn_case1/ --html device.html --perfetto device.json
//   tilegraph import capture/ --format json
#include <iostream>

#include <nlohmann/json.hpp>

#include "runtime/atomic_file.hpp"
#include "trace/capture_import.hpp"
#include "trace/html.hpp"
#include "trace/perfetto.hpp"
#include "trace/schedule_analysis.hpp"
#include "tools/command.hpp"

namespace {

struct ImportArgs {
  std::string folder;
  std::string html, perfetto;
  std::string format = "text";
};

int run_import(const ImportArgs& a) {
  const tg::ImportedCapture capture = tg::read_capture(a.folder);
  const tg::Graph& graph = capture.graph;
  const tg::ScheduleAnalysis analysis = tg::analyze_schedule(graph, capture.timeline);
  for (const auto& note : capture.notes) std::cerr << "note: " << note << "\n";
  if (!a.html.empty()) {
    tg::write_stream_atomically(a.html, [&](std::ostream& out) { tg::write_html_swimlane(graph, capture.timeline, out); });
    std::cerr << "wrote " << a.html << "\n";
  }
  if (!a.perfetto.empty()) {
    tg::write_stream_atomically(a.perfetto, [&](std::ostream& out) { tg::write_perfetto_trace(graph, capture.timeline, out); });
    std::cerr << "wrote " << a.perfetto << "\n";
  }
  if (a.format == "json") {
    const nlohmann::ordered_json doc = {{"capture", a.folder},
                                        {"level", capture.level},
                                        {"clock_freq_hz", capture.clock_freq_hz},
                                        {"tasks", graph.num_tasks()},
                                        {"edges", graph.edges().size()},
                                        {"rows", capture.timeline.rows().size()},
                                        {"analysis", nlohmann::ordered_json::parse(tg::analysis_json(analysis))}};
    std::cout << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << "capture '" << a.folder << "': level " << capture.level << ", clock " << capture.clock_freq_hz << " Hz, "
            << graph.num_tasks() << " tasks, " << graph.edges().size() << " edges, " << capture.timeline.rows().size()
            << " rows, " << capture.scheduler_phases.size() << " scheduler phases\n"
            << tg::format_analysis(analysis);
  return 0;
}

tg::cli::CommandRegistration import_command{"import", [](CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("import", "Read a device capture folder and analyse it like a simulated run");
  auto args = std::make_shared<ImportArgs>();
  cmd->add_option("folder", args->folder, "capture folder: chip_swimlane_records.json [+ deps.json, name_map*.json]")
      ->required()
      ->check(tg::cli::non_empty_path("a capture folder"));
  cmd->add_option("--html", args->html, "write a self-contained HTML swimlane")
      ->check(tg::cli::output_file("a file name for the HTML swimlane"));
  cmd->add_option("--perfetto", args->perfetto, "write a Perfetto / Chrome trace JSON")
      ->check(tg::cli::output_file("a file name for the Perfetto JSON"));
  cmd->add_option("--format", args->format, "output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  cmd->callback([&exit_code, args] { exit_code = run_import(*args); });
}};

}  // namespace
