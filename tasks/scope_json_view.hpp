#pragma once
// Internal to the JSON scope format: how a task argument's View is written. A view made by
// slices is a box in buffer coordinates. A view made by reshape is a box inside a frame: a
// contiguous flat element range [offset, offset + numel(shape)) of the buffer seen as a
// row-major `shape`. Every view that slice and reshape can make is one of the two.
#include <cstdint>
#include <optional>
#include <string_view>

#include "runtime/view.hpp"
#include "tasks/access.hpp"

namespace tg {

inline constexpr std::string_view kScopeJsonFormat = "tilegraph.scope";
// Version 2 adds a task's kernel descriptor name ("kernel") and an argument's parameter name
// ("param"); version 1 files read as before.
inline constexpr int kScopeJsonVersion = 2;
inline constexpr int kScopeJsonOldestVersion = 1;

constexpr std::string_view access_json_name(Access a) {
  switch (a) {
    case Access::In: return "in";
    case Access::Out: return "out";
    case Access::InOut: return "inout";
  }
  return "?";
}
std::optional<Access> parse_access_json_name(std::string_view s);

struct ViewFrame {
  std::int64_t offset = 0;  // flat element offset of the frame in the buffer
  Shape shape;              // the frame's row-major shape
  Box box;                  // the view inside the frame
};

// A frame reproducing `view` (same base, sizes and strides), or nullopt when its strides
// are not those of a row-major frame. Cost: O(rank).
std::optional<ViewFrame> frame_of(const View& view);

// The view `frame` describes; throws ShapeError when it does not fit the buffer.
View view_of(const Buffer& buffer, const ViewFrame& frame);

}  // namespace tg
