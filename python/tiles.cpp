// SPMD tiles (tasks/block_tiles.hpp): which part of an argument's view one block works on.
//   tg.Out(y).tiled(tg.tile.grid(16, 64))    rows in 16s on grid axis 0, columns in 64s on axis 1
//   tg.In(a).tiled(tg.tile.rows(16))         rows in 16s, all columns
// The task's block grid (and block_num) follow from its tiled arguments, as in C++.
#include <pybind11/stl.h>

#include "python/bindings.hpp"
#include "tasks/access.hpp"

namespace tg::python {
namespace {

py::object tile_dim_tuple(const std::optional<TileDim>& d) {
  if (!d) return py::none();
  return py::make_tuple(d->axis, d->tile);
}

}  // namespace

void bind_tiles(py::module_& m) {
  py::class_<TileDim>(m, "TileDim", "One dim of an argument: whole (axis -1), or grid axis `axis` in tiles of `tile`.")
      .def(py::init([](int axis, std::int64_t tile) { return TileDim{axis, tile}; }), py::arg("axis") = -1,
           py::arg("tile") = 0)
      .def_readonly("axis", &TileDim::axis)
      .def_readonly("tile", &TileDim::tile)
      .def("__eq__", [](const TileDim& a, const TileDim& b) { return a == b; })
      .def("__repr__", [](const TileDim& d) {
        return d.axis < 0 ? std::string("<tg.TileDim whole>")
                          : "<tg.TileDim axis " + std::to_string(d.axis) + " tile " + std::to_string(d.tile) + ">";
      });

  py::class_<TileSpec>(m, "TileSpec", "How an argument is cut per block (tg.tile.rows / cols / grid / dims).")
      .def_property_readonly("rows", [](const TileSpec& s) { return tile_dim_tuple(s.rows); })
      .def_property_readonly("cols", [](const TileSpec& s) { return tile_dim_tuple(s.cols); })
      .def_property_readonly("dims", [](const TileSpec& s) { return s.dims; })
      .def_property_readonly("empty", &TileSpec::empty)
      .def("resolve", &TileSpec::resolve, py::arg("rank"), "The per-dim form for a view of `rank` dims.");

  py::module_ t = m.def_submodule("tile", "SPMD tiles of an argument: tg.Out(y).tiled(tg.tile.grid(16, 64)).");
  t.def("rows", &tile::rows, py::arg("tile_rows"), py::arg("axis") = 0, "Rows in tiles of tile_rows on grid axis `axis`.");
  t.def("cols", &tile::cols, py::arg("tile_cols"), py::arg("axis") = 0, "Columns in tiles of tile_cols on grid axis `axis`.");
  t.def("grid", &tile::grid, py::arg("tile_rows"), py::arg("tile_cols"), "Rows on grid axis 0, columns on axis 1.");
  t.def("dims", [](const py::iterable& per_dim) {
    std::vector<TileDim> dims;
    for (auto d : per_dim) {
      if (d.is_none()) dims.push_back(TileDim{});
      else if (py::isinstance<TileDim>(d)) dims.push_back(d.cast<TileDim>());
      else {
        auto pair = cast_checked<std::pair<int, std::int64_t>>(d, "tile.dims", "None (whole), (axis, tile) or a tg.TileDim");
        dims.push_back(TileDim{pair.first, pair.second});
      }
    }
    return tile::dims(std::move(dims));
  }, py::arg("per_dim"), "Every dim explicitly: None (whole) or (axis, tile) per dim.");

  auto arg = py::reinterpret_borrow<py::class_<Arg>>(py::type::of<Arg>());
  arg.def("tiled", &Arg::tiled, py::arg("spec"), py::keep_alive<0, 1>(),
          "This argument cut per SPMD block: tg.Out(c).tiled(tg.tile.grid(16, 64)).")
      .def_property_readonly("tile", [](const Arg& a) { return a.tile.spec(); });
}

}  // namespace tg::python
