#include "trace/capture_import.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "runtime/error.hpp"
#include "runtime/json_checked.hpp"
#include "runtime/text_file.hpp"
#include "trace/capture_fields.hpp"
#include "trace/capture_schema.hpp"
#include "trace/common.hpp"

namespace tg {
namespace {

using json = nlohmann::json;
using capture::FieldReader;

constexpr std::int64_t kMaxBlocks = std::int64_t{1} << 24;
constexpr std::int64_t kMaxLanes = 65535;              // lanes are 16-bit
constexpr long double kMaxNs = 4.0e18L;                // a timeline time in int64 ns, with room

std::string pointer(const std::string& base, std::size_t i) { return base + "/" + std::to_string(i); }

// "t12", or "r2t12" for ring 2: how the reference runtime prints a task id.
std::string display_id(std::uint64_t id) {
  const std::uint64_t ring = id >> 32, local = id & 0xffffffffu;
  return (ring ? "r" + std::to_string(ring) : std::string()) + "t" + std::to_string(local);
}

enum class CoreKind { Aic, Aiv, Host };

struct RawRow {
  std::size_t record = 0;  // index in aicore_tasks, for messages
  int core = 0;
  std::uint64_t task = 0;
  std::uint64_t start = 0, end = 0, dispatch = 0, finish = 0;
  std::int64_t block = -1;  // -1: not recorded
};

struct RawPhase {
  int thread = 0;
  std::string kind;
  std::uint64_t start = 0, end = 0;
  std::int64_t tasks_processed = 0;
  std::optional<std::uint64_t> task;
  std::int64_t block = 0;
};

struct RawSubmit {
  std::uint64_t task = 0, start = 0, end = 0;
  std::optional<std::uint64_t> ready;
};

struct RawTask {
  std::string name, kernel;
  bool kernel_given = false;  // tilegraph's export names the kernel ("" = none)
  std::optional<TaskKind> kind;
  int kernel_ids[3] = {-1, -1, -1};
  std::int64_t block_num = 0;  // 0: not given
};

struct RawEdge {
  std::uint64_t pred = 0, succ = 0;
  int arg = -1;
  EdgeKind kind = EdgeKind::Explicit;
  std::string path;
};

// Everything the records file says, checked field by field, still in cycles.
struct Records {
  int level = 0;
  std::int64_t clock_hz = 0;
  std::vector<CoreKind> cores;
  std::vector<int> core_groups;  // from metadata.tilegraph, else empty
  std::optional<std::uint64_t> base, makespan;
  std::string source;
  std::string graph_name;
  std::vector<RawRow> rows;
  std::vector<RawPhase> phases;
  int threads = 0;
  std::vector<RawSubmit> submits;
  std::vector<std::string> notes;
};

Records read_records(const json& doc, const FieldReader& f) {
  Records r;
  f.object(doc, "", "the capture's top-level object");
  r.level = static_cast<int>(f.integer(f.member(doc, "", "chip_swimlane_level"), "/chip_swimlane_level", 1, 4, "the swimlane level"));
  const json& meta = f.object(f.member(doc, "", "metadata"), "/metadata", "the metadata");
  r.clock_hz = f.integer(f.member(meta, "/metadata", "clock_freq_hz"), "/metadata/clock_freq_hz", 1, capture::kMaxClockHz,
                         "the counter clock in Hz (a2a3: 50000000)");
  const std::int64_t num_cores =
      f.integer(f.member(meta, "/metadata", "num_cores"), "/metadata/num_cores", 0, kMaxLanes, "the number of cores");
  const json& types = f.array(f.member(meta, "/metadata", "core_types"), "/metadata/core_types", "one core type per core");
  if (static_cast<std::int64_t>(types.size()) != num_cores)
    f.fail("/metadata/core_types", "has " + std::to_string(types.size()) + " entries but num_cores is " +
                                       std::to_string(num_cores) + "; give one type per core");
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string t = f.text(types[i], pointer("/metadata/core_types", i), "a core type");
    if (t == "aic") r.cores.push_back(CoreKind::Aic);
    else if (t == "aiv") r.cores.push_back(CoreKind::Aiv);
    else if (t == "host") r.cores.push_back(CoreKind::Host);
    else f.fail(pointer("/metadata/core_types", i), "unknown core type '" + t + "'; expected \"aic\", \"aiv\" or \"host\"");
  }
  if (const json* ext = f.optional_member(meta, "tilegraph")) {
    f.object(*ext, "/metadata/tilegraph", "tilegraph's export record");
    if (const json* v = f.optional_member(*ext, "base_cycles")) r.base = f.u64(*v, "/metadata/tilegraph/base_cycles", "the cycle count of time 0");
    if (const json* v = f.optional_member(*ext, "makespan_cycles")) r.makespan = f.u64(*v, "/metadata/tilegraph/makespan_cycles", "the makespan in cycles");
    if (const json* v = f.optional_member(*ext, "source")) r.source = f.text(*v, "/metadata/tilegraph/source", "the timeline's source");
    if (const json* v = f.optional_member(*ext, "graph")) r.graph_name = f.text(*v, "/metadata/tilegraph/graph", "the graph's name");
    if (const json* v = f.optional_member(*ext, "core_groups")) {
      f.array(*v, "/metadata/tilegraph/core_groups", "one core group per core");
      if (v->size() != r.cores.size())
        f.fail("/metadata/tilegraph/core_groups", "has " + std::to_string(v->size()) + " entries for " +
                                                      std::to_string(r.cores.size()) + " cores");
      for (std::size_t i = 0; i < v->size(); ++i)
        r.core_groups.push_back(static_cast<int>(f.integer((*v)[i], pointer("/metadata/tilegraph/core_groups", i), -1,
                                                           kMaxLanes, "a core group (-1: none)")));
    }
  }

  const json* aicore = f.optional_member(doc, "aicore_tasks");
  if (!aicore) f.fail("/aicore_tasks", "missing; the capture holds no task timing");
  f.array(*aicore, "/aicore_tasks", "the AICore task records");
  std::map<std::pair<int, std::uint64_t>, std::size_t> by_reg;
  for (std::size_t i = 0; i < aicore->size(); ++i) {
    const std::string path = pointer("/aicore_tasks", i);
    const json& row = f.array((*aicore)[i], path, "[core_id, task_token_raw, reg_task_id, start_cycles, end_cycles, ...]");
    if (row.size() < capture::kAicoreMinColumns || row.size() > capture::kAicoreMaxColumns)
      f.fail(path, "has " + std::to_string(row.size()) + " columns; expected 5 to 7 ([core_id, task_token_raw, "
                   "reg_task_id, start_cycles, end_cycles, receive_to_start_cycles, block])");
    RawRow raw;
    raw.record = i;
    raw.core = static_cast<int>(f.integer(row[0], path + "/0", 0, num_cores - 1, "a core id below num_cores"));
    raw.task = f.u64(row[1], path + "/1", "a task id");
    const std::uint64_t reg = f.u64(row[2], path + "/2", "a register task id");
    raw.start = f.u64(row[3], path + "/3", "a start cycle count");
    raw.end = f.u64(row[4], path + "/4", "an end cycle count");
    if (raw.end < raw.start) f.fail(path + "/4", "end " + std::to_string(raw.end) + " is before start " + std::to_string(raw.start));
    if (row.size() > 5) {
      const std::uint64_t r2s = f.u64(row[5], path + "/5", "receive_to_start cycles");
      if (r2s > raw.start) f.fail(path + "/5", "receive_to_start " + std::to_string(r2s) + " is more than the start cycle");
    }
    if (row.size() > 6) raw.block = f.integer(row[6], path + "/6", 0, kMaxBlocks - 1, "a block index");
    if (!by_reg.emplace(std::pair{raw.core, reg}, r.rows.size()).second)
      f.fail(path + "/2", "core " + std::to_string(raw.core) + " has reg_task_id " + std::to_string(reg) +
                              " twice; a (core_id, reg_task_id) pair names one dispatch");
    raw.dispatch = raw.start;
    raw.finish = raw.end;
    r.rows.push_back(raw);
  }

  std::vector<bool> joined(r.rows.size(), false);
  std::size_t unmatched = 0;
  const json* aicpu = f.optional_member(doc, "aicpu_tasks");
  if (aicpu) f.array(*aicpu, "/aicpu_tasks", "the AICPU task records");
  const bool has_aicpu = aicpu && !aicpu->empty();
  for (std::size_t i = 0; has_aicpu && i < aicpu->size(); ++i) {
    const std::string path = pointer("/aicpu_tasks", i);
    const json& row = f.array((*aicpu)[i], path, "[core_id, reg_task_id, dispatch_cycles, finish_cycles]");
    if (row.size() != capture::kAicpuColumns)
      f.fail(path, "has " + std::to_string(row.size()) + " columns; expected 4 ([core_id, reg_task_id, dispatch_cycles, finish_cycles])");
    const int core = static_cast<int>(f.integer(row[0], path + "/0", 0, num_cores - 1, "a core id below num_cores"));
    const std::uint64_t reg = f.u64(row[1], path + "/1", "a register task id");
    const std::uint64_t dispatch = f.u64(row[2], path + "/2", "a dispatch cycle count");
    const std::uint64_t finish = f.u64(row[3], path + "/3", "a finish cycle count");
    const auto it = by_reg.find({core, reg});
    if (it == by_reg.end()) {
      ++unmatched;
      continue;
    }
    if (joined[it->second]) f.fail(path + "/1", "core " + std::to_string(core) + " reg_task_id " + std::to_string(reg) + " is joined twice");
    joined[it->second] = true;
    RawRow& raw = r.rows[it->second];
    if (dispatch) raw.dispatch = dispatch;  // 0: not recorded
    if (finish) {
      if (finish < raw.end)
        f.fail(path + "/3", "finish " + std::to_string(finish) + " is before the AICore end " + std::to_string(raw.end) +
                                " of /aicore_tasks/" + std::to_string(raw.record));
      raw.finish = finish;
    }
  }
  if (unmatched)
    r.notes.push_back(std::to_string(unmatched) + " aicpu_tasks records have no AICore record (dropped, as the reference reader does)");
  if (has_aicpu) {
    std::vector<RawRow> kept;
    for (std::size_t i = 0; i < r.rows.size(); ++i)
      if (joined[i]) kept.push_back(r.rows[i]);
    if (kept.size() < r.rows.size())
      r.notes.push_back(std::to_string(r.rows.size() - kept.size()) + " aicore_tasks records have no AICPU record (dropped)");
    r.rows = std::move(kept);
  } else if (r.level >= 2) {
    r.notes.push_back("no aicpu_tasks records: dispatch taken as start and finish as end");
  }

  if (const json* sched = f.optional_member(doc, "aicpu_scheduler_phases")) {
    f.array(*sched, "/aicpu_scheduler_phases", "one array of phase records per scheduler thread");
    if (static_cast<std::int64_t>(sched->size()) > kMaxLanes)
      f.fail("/aicpu_scheduler_phases", "has " + std::to_string(sched->size()) + " threads; at most 65535");
    r.threads = static_cast<int>(sched->size());
    for (std::size_t t = 0; t < sched->size(); ++t) {
      const std::string tpath = pointer("/aicpu_scheduler_phases", t);
      const json& records = f.array((*sched)[t], tpath, "the thread's phase records");
      for (std::size_t i = 0; i < records.size(); ++i) {
        const std::string path = pointer(tpath, i);
        const json& rec = f.object(records[i], path, "a phase record");
        RawPhase p;
        p.thread = static_cast<int>(t);
        p.kind = f.text(f.member(rec, path, "kind"), path + "/kind", "the phase kind");
        p.start = f.u64(f.member(rec, path, "start_cycles"), path + "/start_cycles", "a start cycle count");
        p.end = f.u64(f.member(rec, path, "end_cycles"), path + "/end_cycles", "an end cycle count");
        if (p.end < p.start) f.fail(path + "/end_cycles", "end " + std::to_string(p.end) + " is before start " + std::to_string(p.start));
        if (const json* v = f.optional_member(rec, "tasks_processed"))
          p.tasks_processed = f.integer(*v, path + "/tasks_processed", 0, std::int64_t{1} << 40, "a task count");
        if (const json* v = f.optional_member(rec, "task_id")) p.task = f.u64(*v, path + "/task_id", "a task id");
        if (const json* v = f.optional_member(rec, "block")) p.block = f.integer(*v, path + "/block", 0, kMaxBlocks - 1, "a block index");
        r.phases.push_back(std::move(p));
      }
    }
  }
  if (const json* orch = f.optional_member(doc, "aicpu_orchestrator_phases")) {
    f.array(*orch, "/aicpu_orchestrator_phases", "one array of submit records per orchestrator thread");
    for (std::size_t t = 0; t < orch->size(); ++t) {
      const std::string tpath = pointer("/aicpu_orchestrator_phases", t);
      const json& records = f.array((*orch)[t], tpath, "the thread's submit records");
      for (std::size_t i = 0; i < records.size(); ++i) {
        const std::string path = pointer(tpath, i);
        const json& rec = f.object(records[i], path, "a submit record");
        RawSubmit s;
        s.task = f.u64(f.member(rec, path, "task_id"), path + "/task_id", "a task id");
        s.start = f.u64(f.member(rec, path, "start_cycles"), path + "/start_cycles", "a start cycle count");
        s.end = f.u64(f.member(rec, path, "end_cycles"), path + "/end_cycles", "an end cycle count");
        if (s.end < s.start) f.fail(path + "/end_cycles", "end " + std::to_string(s.end) + " is before start " + std::to_string(s.start));
        if (const json* v = f.optional_member(rec, "ready_cycles")) s.ready = f.u64(*v, path + "/ready_cycles", "a ready cycle count");
        r.submits.push_back(s);
      }
    }
  }
  return r;
}

std::optional<TaskKind> kind_word(const std::string& word) { return parse_task_kind(word); }

std::map<std::uint64_t, RawTask> read_deps_tasks(const json& doc, const FieldReader& f, std::vector<RawEdge>& edges) {
  std::map<std::uint64_t, RawTask> tasks;
  f.object(doc, "", "the deps.json top-level object");
  const json& list = f.array(f.member(doc, "", "tasks"), "/tasks", "the task records");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = pointer("/tasks", i);
    const json& rec = f.object(list[i], path, "a task record");
    const std::uint64_t id = f.u64(f.member(rec, path, "task_id"), path + "/task_id", "a task id");
    RawTask t;
    if (const json* v = f.optional_member(rec, "kernel_ids")) {
      f.array(*v, path + "/kernel_ids", "[aic, aiv0, aiv1] kernel ids");
      if (v->size() != 3) f.fail(path + "/kernel_ids", "has " + std::to_string(v->size()) + " entries; expected [aic, aiv0, aiv1]");
      for (int s = 0; s < 3; ++s)
        t.kernel_ids[s] = static_cast<int>(f.integer((*v)[static_cast<std::size_t>(s)], path + "/kernel_ids/" + std::to_string(s),
                                                     -1, 2147483647, "a kernel id (-1: subslot unused)"));
    }
    if (const json* v = f.optional_member(rec, "block_num"))
      t.block_num = f.integer(*v, path + "/block_num", 1, kMaxBlocks, "the task's SPMD block count");
    if (const json* v = f.optional_member(rec, "name")) t.name = f.text(*v, path + "/name", "the task's name");
    if (const json* v = f.optional_member(rec, "kernel")) {
      t.kernel = f.text(*v, path + "/kernel", "the kernel's name");
      t.kernel_given = true;
    }
    if (const json* v = f.optional_member(rec, "kind")) {
      t.kind = kind_word(f.text(*v, path + "/kind", "the task kind"));
      if (!t.kind) f.fail(path + "/kind", "unknown task kind " + v->dump() + "; expected cube, vector, mix or host");
    }
    if (!tasks.emplace(id, std::move(t)).second) f.fail(path + "/task_id", "task id " + std::to_string(id) + " is listed twice");
  }
  const json* list_edges = f.optional_member(doc, "edges");
  if (!list_edges) return tasks;
  f.array(*list_edges, "/edges", "the edge records");
  for (std::size_t i = 0; i < list_edges->size(); ++i) {
    const std::string path = pointer("/edges", i);
    const json& rec = f.object((*list_edges)[i], path, "an edge record");
    RawEdge e;
    e.path = path;
    e.pred = f.u64(f.member(rec, path, "pred"), path + "/pred", "the producer's task id");
    e.succ = f.u64(f.member(rec, path, "succ"), path + "/succ", "the consumer's task id");
    if (const json* v = f.optional_member(rec, "arg")) e.arg = static_cast<int>(f.integer(*v, path + "/arg", -1, 65535, "the consumer's argument (-1: none)"));
    std::string source = "explicit";
    if (const json* v = f.optional_member(rec, "source")) source = f.text(*v, path + "/source", "the edge's source");
    if (source != "explicit" && source != "creator" && source != "tensormap")
      f.fail(path + "/source", "unknown edge source '" + source + "'; expected explicit, creator or tensormap");
    e.kind = source == "explicit" ? EdgeKind::Explicit : EdgeKind::Raw;
    if (const json* v = f.optional_member(rec, "kind")) {
      const auto k = parse_edge_kind(f.text(*v, path + "/kind", "the edge kind"));
      if (!k) f.fail(path + "/kind", "unknown edge kind " + v->dump() + "; expected raw, war, waw or explicit");
      e.kind = *k;
    }
    if (e.pred == e.succ) f.fail(path + "/succ", "edge from task " + std::to_string(e.pred) + " to itself");
    edges.push_back(e);
  }
  return tasks;
}

std::map<int, std::string> read_name_map(const json& doc, const FieldReader& f) {
  std::map<int, std::string> names;
  f.object(doc, "", "the name map's top-level object");
  const json* map = f.optional_member(doc, "callable_id_to_name");
  if (!map) return names;
  f.object(*map, "/callable_id_to_name", "callable id -> name");
  for (const auto& [key, value] : map->items()) {
    const std::string path = "/callable_id_to_name/" + key;
    int id = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (key.empty() || ec != std::errc{} || end != key.data() + key.size() || id < 0)
      f.fail(path, "callable id '" + key + "' is not a non-negative integer");
    names[id] = f.text(value, path, "the callable's name");
  }
  return names;
}

// The cores as lanes: group and slot from metadata.tilegraph.core_groups, or else the
// device numbering (the k-th AIC is group k's, the k-th AIV is AIV k%2 of group k/2).
struct CoreLanes {
  std::vector<std::uint16_t> lane_of_core;
  std::vector<std::uint8_t> slot_of_core;  // MIX subslot: the group's AIC cores first
  std::vector<Lane> lanes;
  std::vector<std::uint16_t> sched_lane;   // per scheduler thread
};

CoreLanes lay_out_lanes(const Records& r, const FieldReader& f) {
  const std::size_t n = r.cores.size();
  std::vector<int> group(n, -1);
  int aic = 0, aiv = 0;
  for (std::size_t c = 0; c < n; ++c) {
    if (!r.core_groups.empty()) group[c] = r.cores[c] == CoreKind::Host ? -1 : r.core_groups[c];
    else if (r.cores[c] == CoreKind::Aic) group[c] = aic++;
    else if (r.cores[c] == CoreKind::Aiv) group[c] = aiv++ / 2;
    if (r.cores[c] != CoreKind::Host && group[c] < 0)
      f.fail("/metadata/tilegraph/core_groups/" + std::to_string(c), "an AIC or AIV core needs a core group >= 0");
  }
  std::vector<std::size_t> order(n);
  for (std::size_t c = 0; c < n; ++c) order[c] = c;
  auto rank = [&](std::size_t c) { return r.cores[c] == CoreKind::Aic ? 0 : r.cores[c] == CoreKind::Aiv ? 1 : 2; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const bool ha = r.cores[a] == CoreKind::Host, hb = r.cores[b] == CoreKind::Host;
    if (ha != hb) return hb;
    if (group[a] != group[b]) return group[a] < group[b];
    return rank(a) < rank(b);
  });
  CoreLanes out;
  out.lane_of_core.resize(n);
  out.slot_of_core.resize(n);
  if (static_cast<std::int64_t>(n) + r.threads > kMaxLanes)
    f.fail("/metadata/num_cores", "cores and scheduler threads make more than 65535 lanes");
  std::map<int, std::pair<int, int>> seen;  // group -> (AIC, AIV) cores so far
  std::map<int, int> aic_in_group;
  for (std::size_t c = 0; c < n; ++c)
    if (r.cores[c] == CoreKind::Aic) ++aic_in_group[group[c]];
  auto add = [&](std::size_t c, Lane lane) {
    out.lane_of_core[c] = static_cast<std::uint16_t>(out.lanes.size());
    out.lanes.push_back(std::move(lane));
  };
  std::size_t i = 0;
  for (; i < n && r.cores[order[i]] != CoreKind::Host; ++i) {
    const std::size_t c = order[i];
    const int g = group[c];
    auto& [aics, aivs] = seen[g];
    const std::string prefix = "g" + std::to_string(g) + ".";
    if (r.cores[c] == CoreKind::Aic) {
      out.slot_of_core[c] = static_cast<std::uint8_t>(std::min(aics, 255));
      add(c, Lane{prefix + (aic_in_group[g] == 1 ? "AIC" : "AIC" + std::to_string(aics)), LaneKind::Aic, g});
      ++aics;
    } else {
      out.slot_of_core[c] = static_cast<std::uint8_t>(std::min(aic_in_group[g] + aivs, 255));
      add(c, Lane{prefix + "AIV" + std::to_string(aivs), LaneKind::Aiv, g});
      ++aivs;
    }
  }
  for (int t = 0; t < r.threads; ++t) {
    out.sched_lane.push_back(static_cast<std::uint16_t>(out.lanes.size()));
    out.lanes.push_back(Lane{"sched " + std::to_string(t), LaneKind::Scheduler, -1});
  }
  for (int h = 0; i < n; ++i, ++h) add(order[i], Lane{"host " + std::to_string(h), LaneKind::Host, -1});
  return out;
}

}  // namespace

ImportedCapture parse_capture(const CaptureFiles& files) {
  const auto path_of = [&](std::string_view name) {
    return files.folder.empty() ? std::string(name) : (std::filesystem::path(files.folder) / name).string();
  };
  const FieldReader records_file(path_of(capture::kRecordsFile));
  // Syntax errors, duplicate keys and numbers beyond a double name the file themselves.
  auto parse = [&](const std::string& text, const FieldReader& f) {
    return json_checked::parse(text, f.file(), json_checked::PathStyle::Pointer);
  };
  const Records r = read_records(parse(files.records, records_file), records_file);

  std::map<std::uint64_t, RawTask> deps_tasks;
  std::vector<RawEdge> raw_edges;
  const FieldReader deps_file(path_of(capture::kDepsFile));
  if (files.deps) deps_tasks = read_deps_tasks(parse(*files.deps, deps_file), deps_file, raw_edges);
  std::map<int, std::string> names;
  const FieldReader names_file(path_of(files.name_map_file));
  if (files.name_map) names = read_name_map(parse(*files.name_map, names_file), names_file);

  ImportedCapture out;
  out.level = r.level;
  out.clock_freq_hz = r.clock_hz;
  out.notes = r.notes;

  // Time 0: the exporter's base, or else the first non-zero timestamp (the reference's rule).
  std::uint64_t base = r.base.value_or(0);
  if (!r.base) {
    std::uint64_t first = UINT64_MAX;
    auto track = [&](std::uint64_t c) { if (c > 0 && c < first) first = c; };
    for (const RawRow& row : r.rows) { track(row.start); track(row.dispatch); }
    for (const RawPhase& p : r.phases) track(p.start);
    for (const RawSubmit& s : r.submits) track(s.start);
    base = first == UINT64_MAX ? 0 : first;
  }
  const long double ns_per_cycle = 1e9L / static_cast<long double>(r.clock_hz);
  auto ns = [&](std::uint64_t cycles, const FieldReader& f, const std::string& path) -> std::int64_t {
    if (cycles < base)
      f.fail(path, "cycle " + std::to_string(cycles) + " is before the capture's time 0 (cycle " + std::to_string(base) + ")");
    const long double t = static_cast<long double>(cycles - base) * ns_per_cycle;
    if (t > kMaxNs) f.fail(path, "cycle " + std::to_string(cycles) + " is more than 4e18 ns after the capture's time 0");
    return std::llround(t);
  };

  // Tasks: every id any file names, ascending.
  std::map<std::uint64_t, TaskId> id_of;
  for (const auto& [id, t] : deps_tasks) id_of[id] = 0;
  for (const RawRow& row : r.rows) id_of[row.task] = 0;
  for (const RawSubmit& s : r.submits) id_of[s.task] = 0;
  for (const RawEdge& e : raw_edges) {
    if (!deps_tasks.empty() && !deps_tasks.count(e.pred)) deps_file.fail(e.path + "/pred", "names task " + std::to_string(e.pred) + ", which /tasks does not list");
    if (!deps_tasks.empty() && !deps_tasks.count(e.succ)) deps_file.fail(e.path + "/succ", "names task " + std::to_string(e.succ) + ", which /tasks does not list");
    id_of[e.pred] = 0;
    id_of[e.succ] = 0;
  }
  if (id_of.size() > std::numeric_limits<TaskId>::max()) records_file.fail("", "more tasks than a TaskId holds");
  for (auto& [id, task] : id_of) {
    task = static_cast<TaskId>(out.task_ids.size());
    out.task_ids.push_back(id);
  }

  const CoreLanes layout = lay_out_lanes(r, records_file);
  const std::size_t n = out.task_ids.size();
  std::vector<int> row_types(n, 0);  // bit 0: ran on an AIC, bit 1: on an AIV, bit 2: on a host lane
  for (const RawRow& row : r.rows)
    row_types[id_of[row.task]] |= 1 << static_cast<int>(r.cores[static_cast<std::size_t>(row.core)]);

  std::vector<Task> tasks(n);
  for (TaskId t = 0; t < n; ++t) {
    Task& task = tasks[t];
    task.id = t;
    const auto it = deps_tasks.find(out.task_ids[t]);
    const RawTask* raw = it == deps_tasks.end() ? nullptr : &it->second;
    int callable = -1;
    std::uint8_t slots = 0;
    if (raw)
      for (int s = 0; s < 3; ++s)
        if (raw->kernel_ids[s] >= 0) {
          if (callable < 0) callable = raw->kernel_ids[s];
          slots |= static_cast<std::uint8_t>(1u << s);
        }
    const bool aic = raw ? (slots & 1) : (row_types[t] & 1);
    const bool aiv = raw ? (slots & 6) : (row_types[t] & 2);
    task.kind = raw && raw->kind ? *raw->kind : aic && aiv ? TaskKind::Mix : aic ? TaskKind::Cube : aiv ? TaskKind::Vector : TaskKind::Host;
    if (task.kind == TaskKind::Mix) task.mix_slots = slots ? slots : static_cast<std::uint8_t>(kSlotAll);
    const auto named = names.find(callable);
    task.name = raw && !raw->name.empty() ? raw->name
                : named != names.end()   ? named->second
                : callable >= 0          ? "func_" + std::to_string(callable)
                                         : "task";
    if (task.name.empty()) task.name = "task";
    task.kernel_name = raw && raw->kernel_given ? raw->kernel : named != names.end() ? named->second : "";
    task.block_num = raw && raw->block_num ? static_cast<int>(raw->block_num) : 0;
  }

  // Blocks: the recorded index, or else the order of dispatch (a MIX block's subslots share
  // a dispatch and a group).
  std::vector<std::vector<std::size_t>> rows_of(n);
  for (std::size_t i = 0; i < r.rows.size(); ++i) rows_of[id_of[r.rows[i].task]].push_back(i);
  std::vector<std::int64_t> block_of(r.rows.size(), 0);
  for (TaskId t = 0; t < n; ++t) {
    auto& list = rows_of[t];
    std::stable_sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
      const RawRow &x = r.rows[a], &y = r.rows[b];
      if (x.dispatch != y.dispatch) return x.dispatch < y.dispatch;
      return layout.lane_of_core[static_cast<std::size_t>(x.core)] < layout.lane_of_core[static_cast<std::size_t>(y.core)];
    });
    std::int64_t next = -1, most = 0;
    for (std::size_t k = 0; k < list.size(); ++k) {
      const RawRow& row = r.rows[list[k]];
      if (row.block >= 0) {
        block_of[list[k]] = row.block;
      } else {
        const bool same_block = tasks[t].kind == TaskKind::Mix && k > 0 && r.rows[list[k - 1]].dispatch == row.dispatch &&
                                layout.lanes[layout.lane_of_core[static_cast<std::size_t>(r.rows[list[k - 1]].core)]].group ==
                                    layout.lanes[layout.lane_of_core[static_cast<std::size_t>(row.core)]].group;
        if (!same_block) ++next;
        block_of[list[k]] = next;
      }
      most = std::max(most, block_of[list[k]] + 1);
    }
    if (tasks[t].block_num == 0) tasks[t].block_num = static_cast<int>(std::max<std::int64_t>(1, most));
    if (most > tasks[t].block_num)
      records_file.fail("/aicore_tasks/" + std::to_string(r.rows[list.back()].record),
                        "task " + display_id(out.task_ids[t]) + " has " + std::to_string(most) +
                            " blocks here but block_num " + std::to_string(tasks[t].block_num) + " in deps.json");
  }

  // Edges; a cycle is named by Graph::assemble.
  std::vector<Edge> edges;
  for (const RawEdge& e : raw_edges)
    edges.push_back(Edge{id_of[e.pred], id_of[e.succ], e.kind, kNoBuffer, -1, e.arg});
  const std::string graph_name = !r.graph_name.empty() ? r.graph_name
                                 : files.folder.empty() ? std::string("capture")
                                                        : std::filesystem::path(files.folder).filename().string();
  try {
    out.graph = Graph::assemble(graph_name, {}, {}, std::move(tasks), std::move(edges), {});
  } catch (const GraphError& e) {
    throw GraphError(ErrorContext{.file = deps_file.file(), .json_path = "/edges"}, e.what());
  }

  Timeline& tl = out.timeline;
  tl.source = !r.source.empty() ? r.source : "capture " + graph_name + " (" + std::to_string(r.clock_hz) + " Hz)";
  tl.lanes = layout.lanes;
  std::vector<std::size_t> order(r.rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<std::uint8_t> subslot(r.rows.size(), 0);
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const TaskId t = id_of[r.rows[i].task];
    if (out.graph.task(t).kind == TaskKind::Mix) subslot[i] = std::min<std::uint8_t>(layout.slot_of_core[static_cast<std::size_t>(r.rows[i].core)], 2);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const TaskId ta = id_of[r.rows[a].task], tb = id_of[r.rows[b].task];
    if (ta != tb) return ta < tb;
    if (block_of[a] != block_of[b]) return block_of[a] < block_of[b];
    return subslot[a] < subslot[b];
  });
  std::int64_t makespan = 0;
  std::vector<std::int64_t> finish_of(n, -1);
  for (std::size_t i : order) {
    const RawRow& raw = r.rows[i];
    const std::string path = "/aicore_tasks/" + std::to_string(raw.record);
    TimelineRow row;
    row.task = id_of[raw.task];
    row.block = static_cast<std::int32_t>(block_of[i]);
    row.lane = layout.lane_of_core[static_cast<std::size_t>(raw.core)];
    row.subslot = subslot[i];
    row.dispatch_ns = ns(raw.dispatch, records_file, path);
    row.start_ns = ns(raw.start, records_file, path + "/3");
    row.end_ns = ns(raw.end, records_file, path + "/4");
    row.finish_ns = ns(raw.finish, records_file, path);
    tl.add_row(row);
    makespan = std::max({makespan, row.end_ns, row.finish_ns});
    finish_of[row.task] = std::max(finish_of[row.task], row.finish_ns);
  }

  // Submit: the end of the task's (last) submit record. Ready: the exporter's record, or
  // else the model's rule: submitted and every producer's FIN seen.
  std::vector<std::int64_t> submit(n, 0);
  std::vector<std::optional<std::int64_t>> ready(n);
  for (std::size_t i = 0; i < r.submits.size(); ++i) {
    const RawSubmit& s = r.submits[i];
    const TaskId t = id_of[s.task];
    const std::string path = "/aicpu_orchestrator_phases/" + std::to_string(i);
    out.submits.push_back(CaptureSubmit{t, ns(s.start, records_file, path), ns(s.end, records_file, path)});
    submit[t] = out.submits.back().end_ns;
    if (s.ready) ready[t] = ns(*s.ready, records_file, path + "/ready_cycles");
  }
  for (const TaskId t : out.graph.topo_order()) {
    if (!ready[t]) {
      std::int64_t at = submit[t];
      for (const TaskId p : out.graph.predecessors(t)) at = std::max(at, finish_of[p] >= 0 ? finish_of[p] : submit[p]);
      ready[t] = at;
    }
    tl.set_task_times(t, submit[t], *ready[t]);
    makespan = std::max(makespan, submit[t]);
  }

  // Dispatch records naming their task become spans, in time order across the threads.
  std::vector<LaneSpan> spans;
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const RawPhase& p = r.phases[i];
    const std::string path = "/aicpu_scheduler_phases/" + std::to_string(p.thread);
    CapturePhase phase{p.thread, p.kind, ns(p.start, records_file, path), ns(p.end, records_file, path), p.tasks_processed};
    makespan = std::max(makespan, phase.end_ns);
    if (p.kind == "dispatch" && p.task && id_of.count(*p.task))
      spans.push_back(LaneSpan{id_of[*p.task], static_cast<std::int32_t>(p.block),
                               layout.sched_lane[static_cast<std::size_t>(p.thread)], phase.begin_ns, phase.end_ns});
    out.scheduler_phases.push_back(std::move(phase));
  }
  std::stable_sort(spans.begin(), spans.end(), [](const LaneSpan& a, const LaneSpan& b) {
    return a.begin_ns != b.begin_ns ? a.begin_ns < b.begin_ns : a.lane < b.lane;
  });
  for (const LaneSpan& span : spans) tl.add_span(span);
  tl.makespan_ns = r.makespan ? ns(*r.makespan, records_file, "/metadata/tilegraph/makespan_cycles") : makespan;
  try {
    check_timeline(out.graph, tl);
  } catch (const Error& e) {
    throw ConfigError(ErrorContext{.file = records_file.file()}, e.what());
  }
  return out;
}

CaptureFiles capture_files_from_fuzz_input(const std::string& text) {
  CaptureFiles files;
  files.folder = "fuzz";
  const std::size_t first = text.find('\x1e');
  files.records = text.substr(0, first);
  if (first == std::string::npos) return files;
  const std::size_t second = text.find('\x1e', first + 1);
  files.deps = text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  if (second != std::string::npos) files.name_map = text.substr(second + 1);
  return files;
}

ImportedCapture read_capture(const std::string& folder) {
  namespace fs = std::filesystem;
  const fs::path dir(folder);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw IoError(ErrorContext{.file = folder}, "is not a folder; give the capture folder holding " + std::string(capture::kRecordsFile));
  CaptureFiles files;
  files.folder = folder;
  files.records = read_text_file((dir / capture::kRecordsFile).string(), "capture records");
  if (fs::exists(dir / capture::kDepsFile, ec)) files.deps = read_text_file((dir / capture::kDepsFile).string(), "capture deps");
  std::vector<std::string> maps;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("name_map", 0) == 0 && entry.path().extension() == ".json") maps.push_back(name);
  }
  std::sort(maps.begin(), maps.end());
  if (!maps.empty()) {
    files.name_map_file = maps.front();
    files.name_map = read_text_file((dir / maps.front()).string(), "capture name map");
  }
  ImportedCapture out = parse_capture(files);
  if (maps.size() > 1) out.notes.push_back("several name maps; read " + maps.front());
  return out;
}

}  // namespace tg
