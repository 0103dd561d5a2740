// Reading the JSON scope format: validate every field with its JSON path into a Document,
// then replay it (scope_json_replay.cpp) so the edges are inferred again.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/json_checked.hpp"
#include "runtime/text_file.hpp"
#include "tasks/scope_json.hpp"
#include "tasks/scope_json_document.hpp"

namespace tg {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxJsonRank = 8;  // Box stores up to 8 dims inline
constexpr std::int64_t kMaxElements = std::int64_t{1} << 48;
// Cost figures per block: beyond these the simulator's durations (ns, 64 bits) overflow
// (docs/json_scope_format.md).
constexpr double kMaxCostFigure = 1e15;
// Blocks of all tasks together: the simulator and the executors keep per-block records
// (timeline rows for each subslot, dispatch spans, events: about kBytesPerBlock), so a task
// of 2^31 blocks would need hundreds of GiB before the first one ran.
constexpr std::int64_t kMaxScopeBlocks = std::int64_t{1} << 24;
constexpr std::int64_t kBytesPerBlock = 256;

using scope_json::at;
using scope_json::Document;
using scope_json::dot;
using scope_json::ParsedArg;
using scope_json::ParsedBuffer;
using scope_json::ParsedTask;

// Field access that names the JSON path of whatever is wrong.
class Reader {
 public:
  explicit Reader(std::string_view origin) : origin_(origin) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const { scope_json::fail(origin_, path, what); }

  const Json& object(const Json& j, const std::string& path, std::initializer_list<std::string_view> keys) const {
    if (!j.is_object()) fail(path, std::string("expected an object, found ") + j.type_name());
    for (const auto& [key, value] : j.items()) {
      if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
      std::string known;
      for (auto k : keys) known += (known.empty() ? "" : ", ") + std::string(k);
      fail(dot(path, key), "unknown field; the fields here are " + known);
    }
    return j;
  }
  const Json* optional(const Json& obj, std::string_view key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const Json& required(const Json& obj, const std::string& path, std::string_view key) const {
    if (const Json* j = optional(obj, key)) return *j;
    fail(dot(path, key), "missing");
  }
  const Json& array(const Json& j, const std::string& path) const {
    if (!j.is_array()) fail(path, std::string("expected an array, found ") + j.type_name());
    return j;
  }
  std::int64_t integer(const Json& j, const std::string& path, std::int64_t lo, std::int64_t hi) const {
    if (!j.is_number_integer()) fail(path, std::string("expected an integer, found ") + j.dump());
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
      fail(path, j.dump() + " is above " + std::to_string(hi));
    const auto v = j.get<std::int64_t>();
    if (v < lo || v > hi) fail(path, std::to_string(v) + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
  }
  std::string string(const Json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, std::string("expected a string, found ") + j.type_name());
    return j.get<std::string>();
  }
  bool boolean(const Json& j, const std::string& path) const {
    if (!j.is_boolean()) fail(path, std::string("expected true or false, found ") + j.type_name());
    return j.get<bool>();
  }
  double non_negative(const Json& j, const std::string& path, double hi) const {
    if (!j.is_number()) fail(path, std::string("expected a number, found ") + j.type_name());
    const double v = j.get<double>();
    if (!std::isfinite(v) || v < 0 || v > hi) {
      std::ostringstream range;
      range << "expected a finite number from 0 to " << hi << ", found " << j.dump();
      fail(path, range.str());
    }
    return v;
  }
  DType dtype(const Json& j, const std::string& path) const {
    const auto s = string(j, path);
    if (auto t = parse_dtype(s)) return *t;
    fail(path, "unknown dtype '" + s + "'; use bf16, fp16, fp32, int8 or int32");
  }
  Shape shape(const Json& j, const std::string& path) const {
    array(j, path);
    if (j.empty() || j.size() > kMaxJsonRank) fail(path, "a shape has 1 to " + std::to_string(kMaxJsonRank) + " dims, found " + std::to_string(j.size()));
    Shape s;
    std::int64_t numel = 1;
    for (std::size_t i = 0; i < j.size(); ++i) {
      s.push_back(integer(j[i], at(path, i), 1, kMaxElements));
      if (numel > kMaxElements / s.back()) fail(path, "more than 2^48 elements");
      numel *= s.back();
    }
    return s;
  }
  // [[start, stop], ...] within `extent`, one pair per dim.
  Box box(const Json& j, const std::string& path, const Shape& extent, const std::string& what) const {
    array(j, path);
    if (j.size() != extent.size())
      fail(path, std::to_string(j.size()) + " dims for a " + std::to_string(extent.size()) + "-dim " + what + " " + to_string(extent));
    Shape offsets, sizes;
    for (std::size_t d = 0; d < j.size(); ++d) {
      const auto p = at(path, d);
      if (!j[d].is_array() || j[d].size() != 2) fail(p, "expected [start, stop], found " + j[d].dump());
      const auto start = integer(j[d][0], p + "[0]", 0, kMaxElements);
      const auto stop = integer(j[d][1], p + "[1]", 0, kMaxElements);
      if (start >= stop || stop > extent[d])
        fail(p, std::to_string(start) + ":" + std::to_string(stop) + " is not a non-empty range inside dim " + std::to_string(d) +
                    " of the " + what + " (extent " + std::to_string(extent[d]) + "); ranges are [start, stop) with start < stop");
      offsets.push_back(start);
      sizes.push_back(stop - start);
    }
    return Box{offsets, sizes};
  }

 private:
  std::string origin_;
};

void read_scopes(const Reader& r, const Json& j, Document& doc) {
  r.array(j, "scopes");
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto p = at("scopes", i);
    const Json& s = r.object(j[i], p, {"name", "parent"});
    ScopeInfo info{r.string(r.required(s, p, "name"), dot(p, "name")), -1};
    const std::int64_t lo = i == 0 ? -1 : 0, hi = i == 0 ? -1 : static_cast<std::int64_t>(i) - 1;
    if (const Json* parent = r.optional(s, "parent")) {
      if (i == 0 && !(parent->is_number_integer() && parent->get<std::int64_t>() == -1))
        r.fail(dot(p, "parent"), "scopes[0] is the root scope; its parent is -1");
      info.parent = static_cast<int>(r.integer(*parent, dot(p, "parent"), lo, hi));
    } else if (i != 0) {
      r.fail(dot(p, "parent"), "missing; a nested scope names an earlier scope as parent");
    }
    if (i == 0 && info.name != doc.name) r.fail(dot(p, "name"), "the root scope is named as the graph ('" + doc.name + "')");
    doc.scopes.push_back(std::move(info));
  }
  if (doc.scopes.empty()) r.fail("scopes", "needs at least the root scope");
}

std::uint32_t scope_index(const Reader& r, const Json& obj, const std::string& path, const Document& doc) {
  const Json* s = r.optional(obj, "scope");
  if (!s) return 0;
  return static_cast<std::uint32_t>(r.integer(*s, dot(path, "scope"), 0, static_cast<std::int64_t>(doc.scopes.size()) - 1));
}

void read_buffers(const Reader& r, const Json& j, Document& doc) {
  r.array(j, "buffers");
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto p = at("buffers", i);
    const Json& o = r.object(j[i], p, {"name", "dtype", "shape", "role", "scope"});
    ParsedBuffer b;
    b.name = r.string(r.required(o, p, "name"), dot(p, "name"));
    if (b.name.empty()) r.fail(dot(p, "name"), "buffer names are not empty");
    if (doc.buffer_ids.count(b.name))
      r.fail(dot(p, "name"), "buffer '" + b.name + "' is declared twice (first as buffers[" +
                                 std::to_string(doc.buffer_ids[b.name]) + "]); names are unique");
    b.dtype = r.dtype(r.required(o, p, "dtype"), dot(p, "dtype"));
    b.shape = r.shape(r.required(o, p, "shape"), dot(p, "shape"));
    const auto role = r.string(r.required(o, p, "role"), dot(p, "role"));
    const auto parsed_role = parse_role(role);
    if (!parsed_role) r.fail(dot(p, "role"), "unknown role '" + role + "'; use input, output, inout, weight or staging");
    b.role = *parsed_role;
    b.scope = scope_index(r, o, p, doc);
    doc.buffer_ids[b.name] = static_cast<std::uint32_t>(i);
    doc.buffers.push_back(std::move(b));
  }
}

ParsedArg read_arg(const Reader& r, const Json& j, const std::string& p, const Document& doc) {
  const Json& o = r.object(j, p, {"buffer", "access", "box", "frame", "infer", "expect_dtype", "param", "tile"});
  ParsedArg a;
  if (const Json* param = r.optional(o, "param")) {
    if (doc.version < 2) r.fail(dot(p, "param"), "parameter names need \"version\": 2 (this file says 1)");
    a.param = r.string(*param, dot(p, "param"));
    if (a.param.empty()) r.fail(dot(p, "param"), "a parameter name must not be empty");
  }
  const auto name = r.string(r.required(o, p, "buffer"), dot(p, "buffer"));
  auto it = doc.buffer_ids.find(name);
  if (it == doc.buffer_ids.end()) r.fail(dot(p, "buffer"), "no buffer is named '" + name + "'; declare it in buffers");
  a.buffer = it->second;
  const ParsedBuffer& buffer = doc.buffers[a.buffer];
  const auto access = r.string(r.required(o, p, "access"), dot(p, "access"));
  const auto parsed = parse_access_json_name(access);
  if (!parsed) r.fail(dot(p, "access"), "unknown access '" + access + "'; use in, out or inout");
  a.access = *parsed;
  Shape extent = buffer.shape;
  std::string what = "buffer '" + buffer.name + "'";
  if (const Json* f = r.optional(o, "frame")) {
    const auto fp = dot(p, "frame");
    const Json& fo = r.object(*f, fp, {"offset", "shape"});
    ViewFrame frame;
    frame.offset = r.integer(r.required(fo, fp, "offset"), dot(fp, "offset"), 0, kMaxElements);
    frame.shape = r.shape(r.required(fo, fp, "shape"), dot(fp, "shape"));
    const auto buffer_numel = numel_of(buffer.shape);
    if (frame.offset + numel_of(frame.shape) > buffer_numel)
      r.fail(fp, "elements [" + std::to_string(frame.offset) + ", " + std::to_string(frame.offset + numel_of(frame.shape)) +
                     ") run past the end of buffer '" + buffer.name + "' (" + std::to_string(buffer_numel) + " elements)");
    extent = frame.shape;
    what = "frame of buffer '" + buffer.name + "'";
    a.frame = std::move(frame);
  }
  if (const Json* b = r.optional(o, "box"))
    a.box = r.box(*b, dot(p, "box"), extent, what);
  else
    a.box = Box{Shape(extent.size(), 0), extent};
  if (a.frame) a.frame->box = a.box;
  if (const Json* inf = r.optional(o, "infer")) a.infer = r.boolean(*inf, dot(p, "infer"));
  if (const Json* e = r.optional(o, "expect_dtype")) a.expect = r.dtype(*e, dot(p, "expect_dtype"));
  if (const Json* t = r.optional(o, "tile")) {
    const auto tp = dot(p, "tile");
    if (doc.version < 2) r.fail(tp, "block tiles need \"version\": 2 (this file says 1)");
    r.array(*t, tp);
    if (t->size() != a.box.sizes.size())
      r.fail(tp, std::to_string(t->size()) + " entries for a " + std::to_string(a.box.sizes.size()) +
                     "-dim view; give one per dim: null (whole) or [grid axis, tile size]");
    std::vector<TileDim> dims;
    for (std::size_t d = 0; d < t->size(); ++d) {
      const Json& e = (*t)[d];
      if (e.is_null()) {
        dims.push_back({});
        continue;
      }
      if (!e.is_array() || e.size() != 2) r.fail(at(tp, d), "expected null or [grid axis, tile size], found " + e.dump());
      const auto axis = r.integer(e[0], at(tp, d) + "[0]", 0, 7);
      const auto size = r.integer(e[1], at(tp, d) + "[1]", 1, kMaxElements);
      dims.push_back(TileDim{static_cast<int>(axis), size});
    }
    a.tile = std::move(dims);
  }
  return a;
}

void read_tasks(const Reader& r, const Json& j, Document& doc) {
  r.array(j, "tasks");
  std::int64_t total_blocks = 0;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto p = at("tasks", i);
    const Json& o =
        r.object(j[i], p, {"id", "name", "kind", "kernel", "block_num", "scope", "sync_start", "mix_slots", "args", "cost", "after"});
    if (const Json* id = r.optional(o, "id"))
      if (r.integer(*id, dot(p, "id"), 0, std::numeric_limits<TaskId>::max()) != static_cast<std::int64_t>(i))
        r.fail(dot(p, "id"), "task ids are positions in tasks; this one is " + std::to_string(i));
    ParsedTask t;
    t.name = r.string(r.required(o, p, "name"), dot(p, "name"));
    const auto kind = r.string(r.required(o, p, "kind"), dot(p, "kind"));
    const auto parsed_kind = parse_task_kind(kind);
    if (!parsed_kind) r.fail(dot(p, "kind"), "unknown kind '" + kind + "'; use cube, vector, mix or host");
    t.kind = *parsed_kind;
    if (const Json* k = r.optional(o, "kernel")) {
      if (doc.version < 2) r.fail(dot(p, "kernel"), "kernel descriptor names need \"version\": 2 (this file says 1)");
      t.kernel = r.string(*k, dot(p, "kernel"));
      if (t.kernel.empty()) r.fail(dot(p, "kernel"), "a kernel name must not be empty");
    }
    if (const Json* b = r.optional(o, "block_num"))
      t.block_num = static_cast<int>(r.integer(*b, dot(p, "block_num"), 1, std::numeric_limits<int>::max()));
    total_blocks += t.block_num;
    if (total_blocks > kMaxScopeBlocks)
      r.fail(dot(p, "block_num"), "the tasks up to here add up to " + std::to_string(total_blocks) +
                                      " SPMD blocks; a run keeps about " + std::to_string(kBytesPerBlock) +
                                      " bytes per block (" + std::to_string(total_blocks * kBytesPerBlock >> 20) +
                                      " MiB), so a scope may have at most " + std::to_string(kMaxScopeBlocks) +
                                      " blocks in all");
    t.scope = scope_index(r, o, p, doc);
    if (const Json* s = r.optional(o, "sync_start")) t.sync_start = r.boolean(*s, dot(p, "sync_start"));
    if (const Json* m = r.optional(o, "mix_slots")) {
      if (t.kind != TaskKind::Mix) r.fail(dot(p, "mix_slots"), "only mix tasks have mix_slots");
      t.mix_slots = static_cast<std::uint8_t>(r.integer(*m, dot(p, "mix_slots"), 1, kSlotAll));
    }
    const Json& args = r.array(r.required(o, p, "args"), dot(p, "args"));
    for (std::size_t k = 0; k < args.size(); ++k) t.args.push_back(read_arg(r, args[k], at(dot(p, "args"), k), doc));
    if (!r.optional(o, "block_num") && std::any_of(t.args.begin(), t.args.end(), [](const ParsedArg& a) { return a.tile.has_value(); }))
      r.fail(dot(p, "block_num"), "missing; a task with block tiles gives its block_num (the tiles' block count)");
    // Parameters are named for every argument or for none, each name once.
    for (std::size_t k = 0; k < t.args.size(); ++k) {
      if (t.args[k].param.empty() != t.args[0].param.empty())
        r.fail(at(dot(p, "args"), k), "name the parameter of every argument of a task, or of none");
      for (std::size_t m = 0; m < k; ++m)
        if (!t.args[k].param.empty() && t.args[k].param == t.args[m].param)
          r.fail(dot(at(dot(p, "args"), k), "param"), "parameter '" + t.args[k].param + "' is bound twice (also args[" +
                                                          std::to_string(m) + "])");
    }
    if (const Json* c = r.optional(o, "cost")) {
      const auto cp = dot(p, "cost");
      const Json& co = r.object(*c, cp, {"flops", "bytes", "working_set_bytes", "int8"});
      CostHint hint;
      if (const Json* v = r.optional(co, "flops")) hint.flops = r.non_negative(*v, dot(cp, "flops"), kMaxCostFigure);
      if (const Json* v = r.optional(co, "bytes")) hint.bytes = r.non_negative(*v, dot(cp, "bytes"), kMaxCostFigure);
      if (const Json* v = r.optional(co, "working_set_bytes"))
        hint.working_set_bytes = static_cast<std::uint64_t>(r.integer(*v, dot(cp, "working_set_bytes"), 0, std::numeric_limits<std::int64_t>::max()));
      if (const Json* v = r.optional(co, "int8")) hint.int8 = r.boolean(*v, dot(cp, "int8"));
      t.cost = hint;
    }
    if (const Json* a = r.optional(o, "after")) {
      const auto ap = dot(p, "after");
      r.array(*a, ap);
      for (std::size_t k = 0; k < a->size(); ++k) {
        const auto pred = r.integer((*a)[k], at(ap, k), 0, std::numeric_limits<TaskId>::max());
        if (pred >= static_cast<std::int64_t>(i))
          r.fail(at(ap, k), "task " + std::to_string(pred) + " is not submitted before this task; after names earlier tasks");
        t.after.push_back(static_cast<TaskId>(pred));
      }
    }
    doc.tasks.push_back(std::move(t));
  }
}

void read_edges(const Reader& r, const Json& j, Document& doc) {
  r.array(j, "edges");
  std::vector<scope_json::ListedEdge> edges;
  const auto n = static_cast<std::int64_t>(doc.tasks.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto p = at("edges", i);
    const Json& o = r.object(j[i], p, {"from", "to", "kind", "buffer", "region", "from_arg", "to_arg"});
    Edge e;
    Box region;
    e.from = static_cast<TaskId>(r.integer(r.required(o, p, "from"), dot(p, "from"), 0, n - 1));
    e.to = static_cast<TaskId>(r.integer(r.required(o, p, "to"), dot(p, "to"), 0, n - 1));
    const auto kind = r.string(r.required(o, p, "kind"), dot(p, "kind"));
    const auto parsed = parse_edge_kind(kind);
    if (!parsed) r.fail(dot(p, "kind"), "unknown edge kind '" + kind + "'; use raw, war, waw or explicit");
    e.kind = *parsed;
    if (e.kind == EdgeKind::Explicit) {
      for (const char* key : {"buffer", "region", "from_arg", "to_arg"})
        if (r.optional(o, key)) r.fail(dot(p, key), "explicit edges have no buffer, region or args");
    } else {
      const auto name = r.string(r.required(o, p, "buffer"), dot(p, "buffer"));
      auto it = doc.buffer_ids.find(name);
      if (it == doc.buffer_ids.end()) r.fail(dot(p, "buffer"), "no buffer is named '" + name + "'");
      e.buffer = it->second;
      region = r.box(r.required(o, p, "region"), dot(p, "region"), doc.buffers[e.buffer].shape, "buffer '" + name + "'");
      const auto from_args = static_cast<std::int64_t>(doc.tasks[e.from].args.size());
      const auto to_args = static_cast<std::int64_t>(doc.tasks[e.to].args.size());
      if (from_args == 0 || to_args == 0) r.fail(p, "a " + kind + " edge joins two tasks with arguments");
      e.from_arg = static_cast<int>(r.integer(r.required(o, p, "from_arg"), dot(p, "from_arg"), 0, from_args - 1));
      e.to_arg = static_cast<int>(r.integer(r.required(o, p, "to_arg"), dot(p, "to_arg"), 0, to_args - 1));
    }
    edges.push_back(scope_json::ListedEdge{e, std::move(region)});
  }
  doc.edges = std::move(edges);
}

}  // namespace

namespace scope_json {
void fail(std::string_view origin, const std::string& path, const std::string& what) {
  throw ConfigError(ErrorContext{.file = std::string(origin), .json_path = path.empty() ? "(top level)" : path}, what);
}
}  // namespace scope_json

Graph parse_scope_json(std::string_view text, std::string_view origin, const FinalizeOptions& options) {
  const Reader r(origin);
  const Json doc_json = json_checked::parse(text, origin, json_checked::PathStyle::Dotted);
  const Json& top = r.object(doc_json, "", {"format", "version", "name", "comment", "scopes", "buffers", "tasks", "edges"});
  Document doc;
  doc.version = kScopeJsonOldestVersion;  // a file without "version" is read as version 1
  if (const Json* f = r.optional(top, "format"))
    if (r.string(*f, "format") != kScopeJsonFormat) r.fail("format", "expected \"" + std::string(kScopeJsonFormat) + "\"");
  if (const Json* v = r.optional(top, "version"))
    doc.version = static_cast<int>(r.integer(*v, "version", kScopeJsonOldestVersion, kScopeJsonVersion));
  if (const Json* c = r.optional(top, "comment")) r.string(*c, "comment");  // for people; ignored
  doc.name = r.string(r.required(top, "", "name"), "name");
  if (const Json* s = r.optional(top, "scopes"))
    read_scopes(r, *s, doc);
  else
    doc.scopes.push_back(ScopeInfo{doc.name, -1});
  read_buffers(r, r.required(top, "", "buffers"), doc);
  read_tasks(r, r.required(top, "", "tasks"), doc);
  if (const Json* e = r.optional(top, "edges")) read_edges(r, *e, doc);

  Graph graph = scope_json::replay(doc, origin, options);
  if (doc.edges) scope_json::check_listed_edges(graph, std::move(*doc.edges), origin);
  return graph;
}

Graph read_scope_json(const std::string& path, const FinalizeOptions& options) {
  return parse_scope_json(read_text_file(path, "JSON scope"), path, options);
}

}  // namespace tg
