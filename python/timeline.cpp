// The timeline of a run as numpy arrays, one row per block and MIX subslot. The only file of
// the module that reads TimelineRow fields: the row layout is the simulator's to change.
#include "python/bindings.hpp"
#include "trace/common.hpp"

namespace tg::python {
namespace {

template <class T, class Field> py::array_t<T> column(const Timeline& t, Field field) {
  py::array_t<T> a(static_cast<py::ssize_t>(t.rows().size()));
  T* out = a.mutable_data();
  const auto rows = t.rows();  // decodes one row per index
  for (std::size_t i = 0; i < t.rows().size(); ++i) out[i] = static_cast<T>(field(rows[i]));
  return a;
}

}  // namespace

py::object timeline_arrays(const Timeline& t) {
  py::dict columns;
  columns["task"] = column<std::uint32_t>(t, [](const TimelineRow& r) { return r.task; });
  columns["block"] = column<std::int32_t>(t, [](const TimelineRow& r) { return r.block; });
  columns["subslot"] = column<std::uint8_t>(t, [](const TimelineRow& r) { return r.subslot; });
  columns["lane"] = column<std::uint16_t>(t, [](const TimelineRow& r) { return r.lane; });
  columns["submit"] = column<std::int64_t>(t, [](const TimelineRow& r) { return r.submit_ns; });
  columns["ready"] = column<std::int64_t>(t, [](const TimelineRow& r) { return r.ready_ns; });
  columns["dispatch"] = column<std::int64_t>(t, [](const TimelineRow& r) { return r.dispatch_ns; });
  columns["start"] = column<std::int64_t>(t, [](const TimelineRow& r) { return r.start_ns; });
  columns["end"] = column<std::int64_t>(t, [](const TimelineRow& r) { return r.end_ns; });
  columns["finish"] = column<std::int64_t>(t, [](const TimelineRow& r) { return r.finish_ns; });
  py::list lanes;
  for (const auto& l : t.lanes) lanes.append(py::make_tuple(l.name, std::string(name_of(l.kind)), l.group));
  py::object cls = py::module_::import("tilegraph._timeline").attr("TimelineArrays");
  return cls(columns, lanes, t.source, t.makespan_ns);
}

std::int64_t timeline_makespan_ns(const Timeline& t) { return t.makespan_ns; }
const std::string& timeline_source(const Timeline& t) { return t.source; }
std::size_t timeline_rows(const Timeline& t) { return t.rows().size(); }

void bind_timeline(py::module_&) {}

}  // namespace tg::python
