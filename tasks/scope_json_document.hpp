#pragma once
// Internal to the JSON scope format: a validated file (scope_json_read.cpp makes it) and
// its replay into a Scope (scope_json_replay.cpp).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tasks/graph.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json_view.hpp"

namespace tg::scope_json {

// "tasks[3]", "tasks[3].args"
inline std::string at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }
inline std::string dot(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// Throws ConfigError "<origin>: <path>: <what>".
[[noreturn]] void fail(std::string_view origin, const std::string& path, const std::string& what);

struct ParsedArg {
  std::uint32_t buffer = 0;
  Access access = Access::In;
  std::optional<ViewFrame> frame;  // nullopt: `box` is in buffer coordinates
  Box box;
  bool infer = true;
  std::optional<DType> expect;
  std::string param;  // v2: the kernel parameter this argument binds, "" when unnamed
  std::optional<std::vector<TileDim>> tile;  // v2: how each SPMD block cuts the view
};

struct ParsedTask {
  std::string name;
  TaskKind kind = TaskKind::Vector;
  int block_num = 1;
  std::uint32_t scope = 0;
  bool sync_start = false;
  std::optional<std::uint8_t> mix_slots;
  std::vector<ParsedArg> args;
  std::optional<CostHint> cost;
  std::vector<TaskId> after;
  std::string kernel;  // v2: the kernel descriptor's name, "" when unnamed
};

struct ParsedBuffer {
  std::string name;
  DType dtype = DType::FP32;
  Shape shape;
  Role role = Role::Staging;
  std::uint32_t scope = 0;
};

// An edge as the file lists it, with the region the file gives (an Edge keeps none).
struct ListedEdge {
  Edge edge;
  Box region;
};

// Every field checked: names resolved to ids, boxes inside their buffers or frames.
struct Document {
  int version = kScopeJsonVersion;
  std::string name;
  std::vector<ScopeInfo> scopes;
  std::vector<ParsedBuffer> buffers;
  std::map<std::string, std::uint32_t, std::less<>> buffer_ids;
  std::vector<ParsedTask> tasks;
  std::optional<std::vector<ListedEdge>> edges;
};

// Declares the buffers and submits the tasks of `doc` to a Scope, so every edge is
// inferred again, and finalizes it.
Graph replay(const Document& doc, std::string_view origin, const FinalizeOptions& options);

// Throws ConfigError at "edges" naming the first difference between the edges a file
// lists and the graph's. Cost: O(E log E).
void check_listed_edges(const Graph& graph, std::vector<ListedEdge> listed, std::string_view origin);

}  // namespace tg::scope_json
