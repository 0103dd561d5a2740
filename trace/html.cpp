#include "trace/html.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "runtime/error.hpp"
#include "trace/common.hpp"
#include "trace/counters.hpp"
#include "trace/html_page.hpp"
#include "tasks/transitive_reduction.hpp"

namespace tg {
namespace {

using nlohmann::json;

// Task names and argument descriptions repeat (tiles of one stage share a name): each
// distinct string is stored once and referred to by index.
class StringTable {
 public:
  int id(const std::string& s) {
    auto [it, inserted] = ids_.try_emplace(s, static_cast<int>(strings_.size()));
    if (inserted) strings_.push_back(s);
    return it->second;
  }
  json to_json() const { return json(strings_); }

 private:
  std::unordered_map<std::string, int> ids_;
  std::vector<std::string> strings_;
};

json page_data(const Graph& graph, const Timeline& timeline) {
  const auto reduction = transitive_reduction(graph);
  const auto reduced = reduction_mask(graph, reduction);
  StringTable strings;
  json data = json::object();
  data["graph"] = graph.name();
  data["source"] = timeline.source;
  data["makespan_ns"] = timeline.makespan_ns;
  data["flow_edges"] = reduction.summary(graph);
  data["kinds"] = {"cube", "vector", "mix", "host"};  // TaskKind values in order
  data["edge_kinds"] = {"raw", "war", "waw", "explicit"};

  json lanes = json::array();
  for (const Lane& lane : timeline.lanes) lanes.push_back({lane.name, std::string(name_of(lane.kind)), lane.group});
  data["lanes"] = std::move(lanes);

  std::vector<int> name, kind, blocks;
  std::vector<std::vector<int>> args;
  for (const Task& t : graph.tasks()) {
    name.push_back(strings.id(t.name));
    kind.push_back(static_cast<int>(t.kind));
    blocks.push_back(t.block_num);
    std::vector<int> a;
    for (const Arg& arg : t.args) a.push_back(strings.id(describe_arg(arg)));
    args.push_back(std::move(a));
  }
  data["tasks"] = {{"name", name}, {"kind", kind}, {"blocks", blocks}, {"args", args}};

  std::vector<TaskId> from, to;
  std::vector<int> edge_kind, desc, in_reduction;
  for (std::size_t e = 0; e < graph.edges().size(); ++e) {
    const Edge& edge = graph.edges()[e];
    from.push_back(edge.from);
    to.push_back(edge.to);
    edge_kind.push_back(static_cast<int>(edge.kind));
    const std::string region = describe_edge_region(graph, edge);  // the kind is a column of its own
    desc.push_back(region.empty() ? -1 : strings.id(region));
    in_reduction.push_back(reduced[e] ? 1 : 0);
  }
  data["edges"] = {{"from", from}, {"to", to}, {"kind", edge_kind}, {"desc", desc}, {"reduced", in_reduction}};

  const auto& rows = timeline.rows();
  auto column = [&rows](auto field) {
    json c = json::array();
    c.get_ref<json::array_t&>().reserve(rows.size());
    for (const auto& r : rows) c.push_back(field(r));
    return c;
  };
  json r = json::object();
  r["task"] = column([](const TimelineRow& x) { return x.task; });
  r["block"] = column([](const TimelineRow& x) { return x.block; });
  r["lane"] = column([](const TimelineRow& x) { return x.lane; });
  r["sub"] = column([](const TimelineRow& x) { return x.subslot; });
  // The tile box each row's block writes (a string id; -1 when its task declares no tiles).
  r["tile"] = column([&](const TimelineRow& x) {
    const std::string tile = describe_block_writes(graph.task(x.task), x.block);
    return tile.empty() ? -1 : strings.id(tile);
  });
  r["submit"] = column([](const TimelineRow& x) { return x.submit_ns; });
  r["ready"] = column([](const TimelineRow& x) { return x.ready_ns; });
  r["dispatch"] = column([](const TimelineRow& x) { return x.dispatch_ns; });
  r["start"] = column([](const TimelineRow& x) { return x.start_ns; });
  r["end"] = column([](const TimelineRow& x) { return x.end_ns; });
  r["finish"] = column([](const TimelineRow& x) { return x.finish_ns; });
  data["rows"] = std::move(r);

  json spans = json::object();
  const auto& lane_spans = timeline.scheduler_spans();
  auto span_column = [&lane_spans](auto field) {
    json c = json::array();
    for (const auto& x : lane_spans) c.push_back(field(x));
    return c;
  };
  spans["task"] = span_column([](const LaneSpan& x) { return x.task; });
  spans["block"] = span_column([](const LaneSpan& x) { return x.block; });
  spans["lane"] = span_column([](const LaneSpan& x) { return x.lane; });
  spans["begin"] = span_column([](const LaneSpan& x) { return x.begin_ns; });
  spans["end"] = span_column([](const LaneSpan& x) { return x.end_ns; });
  data["spans"] = std::move(spans);

  json counters = json::array();
  for (const auto& series : trace_counters(graph, timeline)) {
    std::vector<std::int64_t> ts, value;
    for (const auto& p : series.points) {
      ts.push_back(p.ts_ns);
      value.push_back(p.value);
    }
    counters.push_back({{"name", series.name}, {"unit", series.unit}, {"ts", ts}, {"value", value}});
  }
  data["counters"] = std::move(counters);
  data["strings"] = strings.to_json();
  return data;
}

}  // namespace

void write_html_swimlane(const Graph& graph, const Timeline& timeline, std::ostream& out) {
  write_html_swimlane(graph, timeline, out, {});
}

void write_html_swimlane(const Graph& graph, const Timeline& timeline, std::ostream& out,
                         const std::vector<HtmlSection>& sections) {
  check_timeline(graph, timeline);
  json data = page_data(graph, timeline);
  if (!sections.empty()) {
    json list = json::array();
    for (const auto& s : sections) list.push_back({{"title", s.title}, {"columns", s.columns}, {"rows", s.rows}});
    data["sections"] = std::move(list);
  }
  // Invalid UTF-8 in a user's name is shown as U+FFFD instead of failing the export.
  std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  // "</script>" inside a name must not end the data element: '<' only occurs inside JSON
  // strings, where \u003c means the same character.
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      escaped += "\\u003c";
    else
      escaped += c;
  }
  out << detail::swimlane_page_head() << escaped << detail::swimlane_page_tail();
}

void write_html_swimlane(const Graph& graph, const Timeline& timeline, const std::string& path) {
  std::ofstream file(path, std::ios::binary);
  if (!file) throw IoError("cannot open '" + path + "' to write the swimlane: " + std::strerror(errno) + "; check that the directory exists and is writable");
  write_html_swimlane(graph, timeline, file);
  file.close();
  if (!file) throw IoError("writing the swimlane '" + path + "' failed (disk full?)");
}

std::string html_swimlane_string(const Graph& graph, const Timeline& timeline) {
  std::ostringstream out;
  write_html_swimlane(graph, timeline, out);
  return out.str();
}

}  // namespace tg
