// view-out-of-bounds on JSON scope text. A C++ View cannot leave its buffer (slice throws),
// but a JSON box can say anything, and the reader stops at the first bad box. This pass
// reports every one, reading only what it needs and skipping whatever else is malformed:
// parse_scope_json reports those with their JSON path. Cost: O(args).
#include <map>
#include <nlohmann/json.hpp>

#include "tasks/lint_rules.hpp"

namespace tg {

namespace {

using Json = nlohmann::json;

constexpr std::int64_t kMaxElements = std::int64_t{1} << 48;  // as the reader

std::optional<Shape> shape_of(const Json& j) {
  if (!j.is_array() || j.empty() || j.size() > 8) return std::nullopt;  // the reader's rank limit
  Shape s;
  std::int64_t numel = 1;
  for (const auto& d : j) {
    if (!d.is_number_integer() || d.get<std::int64_t>() <= 0) return std::nullopt;
    s.push_back(d.get<std::int64_t>());
    if (numel > kMaxElements / s.back()) return std::nullopt;  // the reader rejects it
    numel *= s.back();
  }
  return s;
}

// The [start, stop] pairs of a box whose rank matches; nullopt when malformed.
std::optional<std::vector<std::pair<std::int64_t, std::int64_t>>> ranges_of(const Json& j, std::size_t rank) {
  if (!j.is_array() || j.size() != rank) return std::nullopt;
  std::vector<std::pair<std::int64_t, std::int64_t>> r;
  for (const auto& d : j) {
    if (!d.is_array() || d.size() != 2 || !d[0].is_number_integer() || !d[1].is_number_integer()) return std::nullopt;
    r.emplace_back(d[0].get<std::int64_t>(), d[1].get<std::int64_t>());
  }
  return r;
}

std::string ranges_text(const std::vector<std::pair<std::int64_t, std::int64_t>>& r) {
  std::string s = "[";
  for (std::size_t d = 0; d < r.size(); ++d)
    s += (d ? ", " : "") + std::to_string(r[d].first) + ":" + std::to_string(r[d].second);
  return s + "]";
}

}  // namespace

std::vector<Diagnostic> lint_scope_json_bounds(std::string_view text, std::string_view origin) {
  std::vector<Diagnostic> out;
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("buffers") || !doc.contains("tasks") || !doc["buffers"].is_array() ||
      !doc["tasks"].is_array())
    return out;
  std::map<std::string, Shape, std::less<>> shapes;
  for (const auto& b : doc["buffers"])
    if (b.is_object() && b.contains("name") && b["name"].is_string() && b.contains("shape"))
      if (auto s = shape_of(b["shape"])) shapes.emplace(b["name"].get<std::string>(), std::move(*s));
  const auto& tasks = doc["tasks"];
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    const Json& task = tasks[t];
    if (!task.is_object() || !task.contains("args") || !task["args"].is_array()) continue;
    const std::string name = task.contains("name") && task["name"].is_string() ? task["name"].get<std::string>() : "?";
    const std::string label = name + "#" + std::to_string(t);
    for (std::size_t k = 0; k < task["args"].size(); ++k) {
      const Json& arg = task["args"][k];
      if (!arg.is_object() || !arg.contains("buffer") || !arg["buffer"].is_string()) continue;
      auto it = shapes.find(arg["buffer"].get<std::string>());
      if (it == shapes.end()) continue;
      const std::string path = std::string(origin) + ": tasks[" + std::to_string(t) + "].args[" + std::to_string(k) + "]";
      Shape extent = it->second;
      std::string frame_text = "buffer '" + it->first + "' " + to_string(extent);
      Diagnostic d;
      d.rule = "view-out-of-bounds";
      d.severity = Severity::Error;
      d.task = static_cast<TaskId>(t);
      d.arg = static_cast<int>(k);
      d.buffer = it->first;
      d.suggestion = "clip the box to the buffer's shape, or grow the buffer if the task really touches these elements";
      if (arg.contains("frame")) {
        const Json& f = arg["frame"];
        if (!f.is_object() || !f.contains("offset") || !f["offset"].is_number_integer() || !f.contains("shape")) continue;
        auto fshape = shape_of(f["shape"]);
        if (!fshape) continue;
        const auto offset = f["offset"].get<std::int64_t>();
        const auto buffer_numel = numel_of(it->second);
        const auto frame_numel = numel_of(*fshape);
        if (offset < 0 || offset > buffer_numel - frame_numel) {
          d.message = path + ".frame: " + label + " arg " + std::to_string(k) + " frames elements starting at " +
                      std::to_string(offset) + " as " + to_string(*fshape) + ", past the " + std::to_string(buffer_numel) +
                      " elements of buffer '" + it->first + "'";
          out.push_back(std::move(d));
          continue;
        }
        extent = *fshape;
        frame_text = "frame " + to_string(extent) + " of buffer '" + it->first + "'";
      }
      if (!arg.contains("box")) continue;
      auto ranges = ranges_of(arg["box"], extent.size());
      if (!ranges) continue;
      std::string outside;
      for (std::size_t dim = 0; dim < ranges->size(); ++dim) {
        const auto [start, stop] = (*ranges)[dim];
        if (start < 0 || stop > extent[dim])
          outside += (outside.empty() ? "" : ", ") + std::string("dim ") + std::to_string(dim) + " " +
                     std::to_string(start) + ":" + std::to_string(stop) + " vs extent " + std::to_string(extent[dim]);
      }
      if (outside.empty()) continue;
      Shape offsets, sizes;
      for (const auto& [start, stop] : *ranges) {
        offsets.push_back(start);
        sizes.push_back(stop - start);
      }
      d.regions = {Box{offsets, sizes}};
      d.message = path + ".box: " + label + " arg " + std::to_string(k) + " box " + ranges_text(*ranges) +
                  " lies outside " + frame_text + " (" + outside + ")";
      out.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace tg
