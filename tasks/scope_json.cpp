// Writing a Graph as JSON. The reader is scope_json_read.cpp; docs/json_scope_format.md
// is the format's reference.
#include "tasks/scope_json.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "tasks/edge_region.hpp"
#include "tasks/scope_json_view.hpp"

namespace tg {

namespace {

using Json = nlohmann::ordered_json;

Json box_json(const Box& box) {
  Json dims = Json::array();
  for (int d = 0; d < box.rank(); ++d) {
    const auto i = static_cast<std::size_t>(d);
    dims.push_back(Json::array({box.offsets[i], box.offsets[i] + box.sizes[i]}));
  }
  return dims;
}

Json arg_json(const Task& task, std::size_t index) {
  const Arg& arg = task.args[index];
  Json j;
  j["buffer"] = arg.view.buffer().name();
  j["access"] = access_json_name(arg.access);
  if (arg.view.box()) {
    j["box"] = box_json(*arg.view.box());
  } else {
    const auto frame = frame_of(arg.view);
    if (!frame)
      throw ConfigError("task '" + task.label() + "': arg " + std::to_string(index) + " (" + arg.view.describe() +
                        ") has strides no JSON frame can express; the JSON format covers views made by slice and "
                        "reshape of contiguous regions");
    j["frame"] = Json{{"offset", frame->offset}, {"shape", frame->shape}};
    j["box"] = box_json(frame->box);
  }
  if (index < task.params.size()) j["param"] = task.params[index];
  if (index < task.tiles.size() && !task.tiles[index].empty()) {
    Json tile = Json::array();
    for (const TileDim& d : task.tiles[index]) tile.push_back(d.axis < 0 ? Json(nullptr) : Json::array({d.axis, d.tile}));
    j["tile"] = std::move(tile);
  }
  if (!arg.infer) j["infer"] = false;
  if (index < task.expected_dtypes.size() && task.expected_dtypes[index])
    j["expect_dtype"] = std::string(name_of(*task.expected_dtypes[index]));
  return j;
}

Json task_json(const Task& task) {
  Json j;
  j["id"] = task.id;
  j["name"] = task.name;
  j["kind"] = std::string(name_of(task.kind));
  if (!task.kernel_name.empty()) j["kernel"] = task.kernel_name;
  j["block_num"] = task.block_num;
  if (task.scope != 0) j["scope"] = task.scope;
  if (task.sync_start) j["sync_start"] = true;
  if (task.kind == TaskKind::Mix && task.mix_slots != kSlotAll) j["mix_slots"] = task.mix_slots;
  Json args = Json::array();
  for (std::size_t i = 0; i < task.args.size(); ++i) args.push_back(arg_json(task, i));
  j["args"] = std::move(args);
  if (task.cost)
    j["cost"] = Json{{"flops", task.cost->flops},
                     {"bytes", task.cost->bytes},
                     {"working_set_bytes", task.cost->working_set_bytes},
                     {"int8", task.cost->int8}};
  if (!task.after.empty()) j["after"] = task.after;
  return j;
}

Json edge_json(const Graph& graph, const Edge& e) {
  Json j{{"from", e.from}, {"to", e.to}, {"kind", std::string(name_of(e.kind))}};
  if (e.buffer != kNoBuffer) {
    j["buffer"] = graph.buffers().at(e.buffer)->name();
    const auto region = edge_region(graph, e);
    j["region"] = box_json(region ? *region : Box{});
    j["from_arg"] = e.from_arg;
    j["to_arg"] = e.to_arg;
  }
  return j;
}

}  // namespace

std::string to_scope_json(const Graph& graph) {
  Json doc;
  doc["format"] = kScopeJsonFormat;
  doc["version"] = kScopeJsonVersion;
  doc["name"] = graph.name();
  Json scopes = Json::array();
  for (const auto& s : graph.scopes()) scopes.push_back(Json{{"name", s.name}, {"parent", s.parent}});
  doc["scopes"] = std::move(scopes);
  Json buffers = Json::array();
  for (const auto& b : graph.buffers()) {
    Json j{{"name", b->name()}, {"dtype", std::string(name_of(b->dtype()))}, {"shape", b->shape()},
           {"role", std::string(name_of(b->role()))}};
    if (graph.scope_of_buffer(b->id()) != 0) j["scope"] = graph.scope_of_buffer(b->id());
    buffers.push_back(std::move(j));
  }
  doc["buffers"] = std::move(buffers);
  Json tasks = Json::array();
  for (const auto& t : graph.tasks()) tasks.push_back(task_json(t));
  doc["tasks"] = std::move(tasks);
  Json edges = Json::array();
  for (const auto& e : graph.edges()) edges.push_back(edge_json(graph, e));
  doc["edges"] = std::move(edges);
  return doc.dump(2) + "\n";
}

void write_scope_json(const Graph& graph, const std::string& path) {
  const std::string text = to_scope_json(graph);
  std::ofstream out(path, std::ios::binary);
  if (!out) throw IoError("cannot open '" + path + "' for writing the JSON scope of '" + graph.name() + "'");
  out << text;
  if (!out) throw IoError("writing the JSON scope of '" + graph.name() + "' to '" + path + "' failed");
}

}  // namespace tg
