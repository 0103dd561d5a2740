// Replaying a validated JSON scope into a Scope, and checking the file's edges against
// the ones inference finds again.
#include <algorithm>
#include <tuple>

#include "tasks/edge_region.hpp"
#include "tasks/kernel_registry.hpp"
#include "tasks/scope.hpp"
#include "tasks/scope_json_document.hpp"

namespace tg::scope_json {

namespace {

// Replays a Document into a Scope. Nested scopes are opened in id order and closed as
// later items leave them; a scope cannot be reopened, so the items of each nested scope
// must be contiguous, as they are in any graph a Scope built.
class Replay {
 public:
  Replay(std::string_view origin, const Document& doc, const FinalizeOptions& options)
      : origin_(origin), doc_(doc), options_(options), scope_(doc.name) {}

  Graph run() {
    for (std::size_t i = 0; i < doc_.tasks.size(); ++i) {
      const ParsedTask& t = doc_.tasks[i];
      const auto p = at("tasks", i);
      std::uint32_t last_buffer = 0;
      for (const auto& a : t.args) last_buffer = std::max(last_buffer, a.buffer + 1);
      declare_buffers_until(last_buffer);
      enter(t.scope, dot(p, "scope"));
      submit(t, p);
    }
    declare_buffers_until(static_cast<std::uint32_t>(doc_.buffers.size()));
    guards_.clear();
    try {
      return scope_.finalize(options_);
    } catch (const Error& e) {
      e.rethrow_with(ErrorContext{.file = std::string(origin_)});
      throw;  // not reached: rethrow_with always throws (GCC does not see [[noreturn]] through the virtual call)
    }
  }

 private:
  void declare_buffers_until(std::uint32_t end) {
    for (; declared_ < end; ++declared_) {
      const ParsedBuffer& b = doc_.buffers[declared_];
      enter(b.scope, dot(at("buffers", declared_), "scope"));
      views_.push_back(scope_.buffer(b.name, b.shape, b.dtype, b.role));
    }
  }

  void enter(std::uint32_t target, const std::string& path) {
    while (created_ <= target) {
      const std::uint32_t c = created_;
      pop_to(static_cast<std::uint32_t>(doc_.scopes[c].parent), path);
      guards_.push_back(scope_.nest(doc_.scopes[c].name));
      stack_.push_back(c);
      ++created_;
    }
    pop_to(target, path);
  }

  void pop_to(std::uint32_t target, const std::string& path) {
    if (std::find(stack_.begin(), stack_.end(), target) == stack_.end())
      fail(origin_, path, "scope " + std::to_string(target) + " '" + doc_.scopes[target].name +
                        "' was already closed by a later scope; the tasks and buffers of a nested scope are contiguous "
                        "in submission order");
    while (stack_.back() != target) {
      guards_.pop_back();
      stack_.pop_back();
    }
  }

  void submit(const ParsedTask& t, const std::string& p) {
    std::vector<Arg> args;
    std::vector<std::optional<DType>> expected;
    bool any_expected = false;
    std::vector<std::string> params;
    for (std::size_t k = 0; k < t.args.size(); ++k) {
      const ParsedArg& a = t.args[k];
      View v;
      try {
        const View& whole = views_.at(a.buffer);
        v = a.frame ? view_of(whole.buffer(), *a.frame)
                    : whole.slice(Shape(a.box.offsets.begin(), a.box.offsets.end()), Shape(a.box.sizes.begin(), a.box.sizes.end()));
        if (v.defect()) v.throw_defect();
      } catch (const Error& e) {
        fail(origin_, at(dot(p, "args"), k), e.what());
      }
      args.push_back(Arg{std::move(v), a.access, a.infer, a.tile ? tile::dims(*a.tile) : TileSpec{}});
      expected.push_back(a.expect);
      any_expected = any_expected || a.expect.has_value();
      if (!a.param.empty()) params.push_back(a.param);
    }
    try {
      // A kernel the registry knows binds its parameters by name (checked, cost derived);
      // any other name is kept for tools, as in version 2 files before descriptors.
      const KernelRef kernel = t.kernel.empty() ? nullptr : kernel_registry().find(t.kernel);
      if (kernel && params.empty() && !args.empty())
        fail(origin_, at(dot(p, "args"), 0), "kernel '" + t.kernel + "' binds its arguments by name: give each a \"param\" (" +
                                                 kernel->signature() + ")");
      TaskRef ref = kernel ? scope_.submit(t.kind, t.name, kernel, named(std::move(args), params))
                           : scope_.submit(t.kind, t.name, std::move(args), {});
      // Tiles set block_num; the file's must agree (the reader's block budget counted it).
      const Task& made = scope_.task(ref.id());
      if (made.grid.empty())
        ref.blocks(t.block_num);
      else if (made.block_num != t.block_num)
        fail(origin_, dot(p, "block_num"), std::to_string(t.block_num) + " blocks, but the args' tiles make " +
                                               std::to_string(made.block_num) + "; give the tiles' block count");
      ref.sync_start(t.sync_start);
      if (t.mix_slots) ref.mix_slots(*t.mix_slots);
      if (t.cost) ref.cost(*t.cost);
      for (TaskId a : t.after) ref.after(a);
      if (any_expected) ref.expect_dtypes(std::move(expected));
      if (!kernel && !t.kernel.empty()) ref.kernel_name(t.kernel);
      if (!kernel && !params.empty()) ref.param_names(std::move(params));
    } catch (const ConfigError&) {
      throw;
    } catch (const GraphError& e) {
      // Keep the task and parameter fields; point at the argument when there is one.
      ErrorContext where = e.context();
      where.file = std::string(origin_);
      where.json_path = where.arg >= 0 ? at(dot(p, "args"), static_cast<std::size_t>(where.arg)) : p;
      throw ConfigError(where, e.detail());
    } catch (const Error& e) {
      fail(origin_, p, e.what());
    }
  }

  static std::vector<NamedArg> named(std::vector<Arg> args, const std::vector<std::string>& params) {
    std::vector<NamedArg> out;
    for (std::size_t k = 0; k < args.size(); ++k) out.push_back(NamedArg{params.at(k), std::move(args[k])});
    return out;
  }

  std::string_view origin_;
  const Document& doc_;
  FinalizeOptions options_;
  Scope scope_;
  std::vector<View> views_;
  std::uint32_t declared_ = 0;
  std::uint32_t created_ = 1;  // scope 0, the root, exists with the Scope
  std::vector<std::uint32_t> stack_{0};
  std::vector<Scope::Nested> guards_;
};

std::string describe_edge(const Graph& g, const Edge& e, const Box& region) {
  std::string s = std::string(name_of(e.kind)) + " edge " + g.task(e.from).label() + " -> " + g.task(e.to).label();
  if (e.buffer != kNoBuffer)
    s += " on " + g.buffers().at(e.buffer)->name() + box_to_string(region) + " (arg " + std::to_string(e.from_arg) +
         " -> arg " + std::to_string(e.to_arg) + ")";
  return s;
}

ListedEdge inferred_edge(const Graph& g, const Edge& e) { return ListedEdge{e, edge_region(g, e).value_or(Box{})}; }

std::string describe_edge(const Graph& g, const ListedEdge& e) { return describe_edge(g, e.edge, e.region); }

bool same_edge(const ListedEdge& listed, const ListedEdge& inferred) {
  const Edge& a = listed.edge;
  const Edge& b = inferred.edge;
  return a.from == b.from && a.to == b.to && a.kind == b.kind && a.buffer == b.buffer &&
         (a.buffer == kNoBuffer ||
          (listed.region == inferred.region && a.from_arg == b.from_arg && a.to_arg == b.to_arg));
}

}  // namespace

Graph replay(const Document& doc, std::string_view origin, const FinalizeOptions& options) {
  return Replay(origin, doc, options).run();
}

// The file's edges must be the ones inference finds again: a mismatch means the file was
// edited by hand or written by another version of the inference.
void check_listed_edges(const Graph& g, std::vector<ListedEdge> listed, std::string_view origin) {
  auto by_pair = [](const ListedEdge& a, const ListedEdge& b) {
    return std::tie(a.edge.from, a.edge.to) < std::tie(b.edge.from, b.edge.to);
  };
  std::stable_sort(listed.begin(), listed.end(), by_pair);
  std::vector<ListedEdge> inferred;
  inferred.reserve(g.edges().size());
  for (const Edge& e : g.edges()) inferred.push_back(inferred_edge(g, e));
  std::size_t i = 0, k = 0;
  const std::string fix = "; re-export the file, or delete its edges to accept the inferred ones";
  while (i < listed.size() || k < inferred.size()) {
    if (i < listed.size() && k < inferred.size() && same_edge(listed[i], inferred[k])) {
      ++i, ++k;
      continue;
    }
    if (k == inferred.size() || (i < listed.size() && by_pair(listed[i], inferred[k])))
      fail(origin, "edges", "the file lists the " + describe_edge(g, listed[i]) + ", which inference does not find" + fix);
    if (i == listed.size() || by_pair(inferred[k], listed[i]))
      fail(origin, "edges", "inference finds the " + describe_edge(g, inferred[k]) + ", which the file does not list" + fix);
    fail(origin, "edges", "the file lists the " + describe_edge(g, listed[i]) + ", but inference finds the " +
                        describe_edge(g, inferred[k]) + fix);
  }
}

}  // namespace tg::scope_json
