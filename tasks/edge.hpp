#pragma once
// A dependency edge and why it exists.
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "tasks/task.hpp"

namespace tg {

// raw: read after write. war: write after read. waw: write after write. explicit: after().
enum class EdgeKind : std::uint8_t { Raw, War, Waw, Explicit };

constexpr std::string_view name_of(EdgeKind k) {
  switch (k) {
    case EdgeKind::Raw: return "raw";
    case EdgeKind::War: return "war";
    case EdgeKind::Waw: return "waw";
    case EdgeKind::Explicit: return "explicit";
  }
  return "?";
}
std::optional<EdgeKind> parse_edge_kind(std::string_view s);

inline constexpr std::uint32_t kNoBuffer = std::numeric_limits<std::uint32_t>::max();

// Five words: a graph holds one per dependency, and the executors read only from/to. The
// overlapping region is not stored; tasks/edge_region.hpp recomputes it from the two args.
struct Edge {
  TaskId from = 0;
  TaskId to = 0;
  EdgeKind kind = EdgeKind::Explicit;
  std::uint32_t buffer = kNoBuffer;  // Buffer::id() of the overlapping region
  int from_arg = -1;
  int to_arg = -1;
};

}  // namespace tg
