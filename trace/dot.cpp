#include "trace/dot.hpp"

#include <ostream>
#include <string>
#include <vector>

#include "trace/common.hpp"
#include "tasks/transitive_reduction.hpp"

namespace tg {
namespace {

// A DOT double-quoted string; `\n` in `text` becomes a DOT line break. Other control
// characters (NUL included) would end or corrupt the string for Graphviz: they are shown as
// a visible `\xHH` (an escaped backslash, so the label reads exactly that).
std::string quoted(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') s += '\\';
    if (c == '\n') {
      s += "\\n";
      continue;
    }
    if (byte < 0x20 || byte == 0x7f) {
      s += "\\\\x";
      s += kHex[byte >> 4];
      s += kHex[byte & 0xf];
      continue;
    }
    s += c;
  }
  return s + "\"";
}

const char* fill_of(TaskKind kind) {
  switch (kind) {
    case TaskKind::Cube: return "#fdae6b";
    case TaskKind::Vector: return "#9ecae1";
    case TaskKind::Mix: return "#bcbddc";
    case TaskKind::Host: return "#a1d99b";
  }
  return "white";
}

const char* style_of(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::Raw: return "style=solid, color=\"#252525\"";
    case EdgeKind::War: return "style=dashed, color=\"#d62728\"";
    case EdgeKind::Waw: return "style=bold, color=\"#e6550d\"";
    case EdgeKind::Explicit: return "style=dotted, color=\"#737373\"";
  }
  return "";
}

class DotWriter {
 public:
  DotWriter(const Graph& graph, std::ostream& out) : graph_(graph), out_(out) {
    const auto& scopes = graph.scopes();
    children_.resize(scopes.size());
    tasks_of_.resize(scopes.size());
    for (std::size_t s = 0; s < scopes.size(); ++s)
      if (scopes[s].parent >= 0 && static_cast<std::size_t>(scopes[s].parent) < scopes.size())
        children_[static_cast<std::size_t>(scopes[s].parent)].push_back(s);
    for (const Task& t : graph.tasks())
      tasks_of_[t.scope < scopes.size() ? t.scope : 0].push_back(t.id);
  }

  // The root scope's tasks at top level, each nested scope as a cluster inside its parent.
  void scopes() {
    for (std::size_t s = 0; s < tasks_of_.size(); ++s)
      if (graph_.scopes()[s].parent < 0 || static_cast<std::size_t>(graph_.scopes()[s].parent) >= tasks_of_.size())
        scope(s, 1, false);
  }

 private:
  void scope(std::size_t s, int depth, bool cluster) {
    const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
    std::string inner = indent;
    if (cluster) {
      out_ << indent << "subgraph cluster_s" << s << " {\n";
      inner += "  ";
      out_ << inner << "label=" << quoted(graph_.scopes()[s].name) << "; style=rounded; color=\"#bdbdbd\";\n";
    }
    for (TaskId t : tasks_of_[s]) node(graph_.task(t), inner);
    for (std::size_t child : children_[s]) scope(child, depth + (cluster ? 1 : 0), true);
    if (cluster) out_ << indent << "}\n";
  }

  void node(const Task& task, const std::string& indent) {
    std::string label = task.label() + "\n" + std::string(name_of(task.kind));
    if (task.block_num > 1) label += " x" + std::to_string(task.block_num);
    std::string tooltip;
    for (const Arg& a : task.args) tooltip += (tooltip.empty() ? "" : "\n") + describe_arg(a);
    out_ << indent << 't' << task.id << " [label=" << quoted(label) << ", fillcolor=\"" << fill_of(task.kind)
         << "\", tooltip=" << quoted(tooltip.empty() ? task.label() : tooltip) << "];\n";
  }

  const Graph& graph_;
  std::ostream& out_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<std::vector<TaskId>> tasks_of_;
};

}  // namespace

void write_dot(const Graph& graph, std::ostream& out, const DotOptions& options) {
  const auto reduction = transitive_reduction(graph);
  const auto in_reduction = reduction_mask(graph, reduction);
  std::string title = graph.name() + ": " + std::to_string(graph.num_tasks()) + " tasks; ";
  title += options.all_edges ? "all " + std::to_string(graph.edges().size()) + " edges (redundant ones grey)"
                             : reduction.summary(graph);
  out << "digraph " << quoted(graph.name()) << " {\n";
  out << "  graph [label=" << quoted(title) << ", labelloc=t, fontname=\"Helvetica\", rankdir=TB];\n";
  out << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n";
  out << "  edge [arrowsize=0.6];\n";
  DotWriter(graph, out).scopes();
  const auto& edges = graph.edges();
  for (std::size_t e = 0; e < edges.size(); ++e) {
    if (!in_reduction[e] && !options.all_edges) continue;
    const Edge& edge = edges[e];
    out << "  t" << edge.from << " -> t" << edge.to << " [" << style_of(edge.kind);
    if (!in_reduction[e]) out << ", color=\"#d9d9d9\", penwidth=0.5, constraint=false";
    out << ", tooltip=" << quoted(describe_edge(graph, edge)) << "];\n";
  }
  out << "}\n";
}

}  // namespace tg
