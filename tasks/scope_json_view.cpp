#include "tasks/scope_json_view.hpp"

#include <algorithm>

namespace tg {

std::optional<Access> parse_access_json_name(std::string_view s) {
  for (Access a : {Access::In, Access::Out, Access::InOut})
    if (access_json_name(a) == s) return a;
  return std::nullopt;
}

std::optional<ViewFrame> frame_of(const View& view) {
  const int rank = view.rank();
  if (rank == 0) return std::nullopt;
  const Shape sizes(view.sizes().begin(), view.sizes().end());
  const Shape strides(view.strides().begin(), view.strides().end());
  const auto r = static_cast<std::size_t>(rank);
  if (strides[r - 1] != 1) return std::nullopt;
  // The frame's dims d >= 1 follow from the row-major strides; dim 0 only needs the view's rows.
  Shape shape(r);
  shape[0] = sizes[0];
  for (std::size_t d = 1; d < r; ++d) {
    if (strides[d] <= 0 || strides[d - 1] % strides[d] != 0) return std::nullopt;
    shape[d] = strides[d - 1] / strides[d];
    if (shape[d] < sizes[d]) return std::nullopt;
  }
  // Place the view inside its rows so the frame starts at or after element 0 and ends at or
  // before the buffer's end: shift it right (larger offsets) only as far as the end requires.
  const std::int64_t span = sizes[0] * strides[0];
  const std::int64_t lowest_shift = std::max<std::int64_t>(0, view.base() + span - view.buffer().numel());
  Shape offsets(r, 0);
  std::int64_t shift = 0;
  for (std::size_t d = 1; d < r && shift < lowest_shift; ++d) {
    const std::int64_t need = (lowest_shift - shift + strides[d] - 1) / strides[d];
    offsets[d] = std::min(shape[d] - sizes[d], need);
    shift += offsets[d] * strides[d];
  }
  if (shift < lowest_shift || shift > view.base()) return std::nullopt;
  ViewFrame frame{view.base() - shift, shape, Box{offsets, sizes}};
  try {
    if (view_of(view.buffer(), frame) == view) return frame;
  } catch (const ShapeError&) {
  }
  return std::nullopt;
}

View view_of(const Buffer& buffer, const ViewFrame& frame) {
  const View flat = View(buffer).reshape({buffer.numel()});
  const View framed = flat.slice({frame.offset}, {numel_of(frame.shape)}).reshape(frame.shape);
  View v = framed.slice(Shape(frame.box.offsets.begin(), frame.box.offsets.end()),
                        Shape(frame.box.sizes.begin(), frame.box.sizes.end()));
  if (v.defect()) v.throw_defect();  // a file's frame that does not fit: throw here, where the caller names the JSON path
  return v;
}

}  // namespace tg
