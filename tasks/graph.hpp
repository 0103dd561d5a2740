#pragma once
// Graph: the immutable result of a Scope. Tasks in submission order, edges with their
// provenance, CSR adjacency both ways, a topological order, the scope tree and what lint
// found at finalize(). Structure only: buffers are descriptors, and the memory of a run is a
// Bindings passed to an executor (tasks/bindings.hpp). Nothing in a Graph changes after it
// is built, so one Graph may be run by several executors at the same time.
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tasks/diagnostic.hpp"
#include "tasks/edge.hpp"
#include "tasks/task.hpp"

namespace tg {

// Whether Scope::finalize() runs Graph::verify(): on in debug builds, and in every test
// (tests link an object that switches it on); off by default in release builds.
void set_verify_on_finalize(bool on);
bool verify_on_finalize();

struct ScopeInfo {
  std::string name;
  int parent = -1;  // -1 for the root scope
};

class Bindings;
class Tensor;

class Graph {
 public:
  Graph() = default;

  // Assembles a graph: adds the explicit edges of each task's `after` list, drops duplicate
  // (from, to) pairs (keeping the first provenance), builds CSR and a topological order.
  // Throws GraphError naming the tasks on a cycle.
  static Graph assemble(std::string name, std::vector<std::shared_ptr<const Buffer>> buffers,
                        std::vector<std::uint32_t> buffer_scopes, std::vector<Task> tasks,
                        std::vector<Edge> inferred, std::vector<ScopeInfo> scopes);

  const std::string& name() const { return name_; }
  std::size_t num_tasks() const { return tasks_.size(); }
  const Task& task(TaskId id) const { return tasks_.at(id); }
  const std::vector<Task>& tasks() const { return tasks_; }

  // Edges sorted by (from, to); out_edges(t) are indices into edges().
  const std::vector<Edge>& edges() const { return edges_; }
  std::span<const TaskId> successors(TaskId t) const;
  std::span<const TaskId> predecessors(TaskId t) const;
  std::span<const std::uint32_t> in_edges(TaskId t) const;  // indices into edges()
  std::span<const std::uint32_t> out_edges(TaskId t) const;
  const std::vector<TaskId>& topo_order() const { return topo_; }

  const std::vector<std::shared_ptr<const Buffer>>& buffers() const { return buffers_; }
  const Buffer* find_buffer(std::string_view name) const;
  const Buffer& buffer(std::string_view name) const;  // throws Error naming the missing buffer
  View view(std::string_view name) const { return View(buffer(name)); }  // unbound
  std::uint32_t scope_of_buffer(std::uint32_t buffer_id) const { return buffer_scopes_.at(buffer_id); }
  const std::vector<ScopeInfo>& scopes() const { return scopes_; }

  // What the lint of finalize() found below the error level (errors throw LintError).
  const LintSummary& lint_summary() const { return lint_summary_; }

  // Memory for a run: binds each named tensor (shorthand for Bindings(*this).bind(...)).
  Bindings bind(std::initializer_list<std::pair<std::string_view, Tensor>> tensors) const;

  // Checks the invariants: CSR consistent both ways, order topological, every inferred
  // edge justified by an overlap of the two tasks' arguments. Throws GraphError.
  void verify() const;

 private:
  friend class Scope;  // sets lint_summary_ once, in finalize()
  std::string name_;
  std::vector<std::shared_ptr<const Buffer>> buffers_;
  std::vector<std::uint32_t> buffer_scopes_;
  std::vector<Task> tasks_;
  std::vector<Edge> edges_;
  std::vector<std::uint32_t> out_offsets_, in_offsets_;
  std::vector<TaskId> succ_, pred_;
  std::vector<std::uint32_t> out_edge_ids_, in_edge_ids_;
  std::vector<TaskId> topo_;
  std::vector<ScopeInfo> scopes_;
  LintSummary lint_summary_;
};

}  // namespace tg
