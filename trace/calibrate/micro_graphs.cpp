#include "trace/calibrate/micro_graphs.hpp"

#include "tasks/scope.hpp"

namespace tg {
namespace {

// Empty tasks need arguments only for their edges: each writes its own row of `cells`.
Graph build(const std::string& name, int tasks, TaskKind kind, const std::string& shape) {
  Scope s{name};
  auto cells = s.inout("cells", {tasks + 2, 1}, FP32);
  auto cell = [&](int i) { return cells.rows(i, 1); };
  const std::string task_name = std::string(name_of(kind)) + "_empty";
  if (shape == "chain") {
    for (int i = 0; i < tasks; ++i) s.submit(kind, task_name, {InOut(cell(0))}, {});
  } else if (shape == "fan-out") {
    s.submit(kind, task_name, {Out(cell(0))}, {});
    for (int i = 1; i <= tasks; ++i) s.submit(kind, task_name, {In(cell(0)), Out(cell(i))}, {});
  } else if (shape == "fan-in") {
    for (int i = 1; i <= tasks; ++i) s.submit(kind, task_name, {Out(cell(i))}, {});
    s.submit(kind, task_name, {In(cells.rows(1, tasks)), Out(cell(0))}, {});
  } else if (shape == "independent") {
    for (int i = 0; i < tasks; ++i) s.submit(kind, task_name, {Out(cell(i))}, {});
  } else {  // spmd
    s.submit(kind, task_name, {Out(cell(0))}, {}).blocks(tasks);
  }
  return s.finalize({.lint = Lint::Off});  // empty tasks write what nobody reads, on purpose
}

}  // namespace

std::vector<MicroGraph> empty_micro_graphs(int tasks) {
  std::vector<MicroGraph> out;
  for (const TaskKind kind : {TaskKind::Vector, TaskKind::Cube})
    for (const char* shape : {"chain", "fan-out", "fan-in", "independent", "spmd"}) {
      const std::string label = std::string(shape) + " of " + std::to_string(tasks) + " empty " +
                                std::string(name_of(kind)) + (std::string(shape) == "spmd" ? " blocks" : " tasks");
      out.push_back(MicroGraph{label, build("calibrate_" + std::string(shape) + "_" + std::string(name_of(kind)), tasks, kind, shape)});
    }
  return out;
}

}  // namespace tg
