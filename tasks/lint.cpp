// The lint driver, the rule table and the diagnostic formats. The rules live in
// lint_args.cpp, lint_block_tiles.cpp, lint_dataflow.cpp, lint_capacity.cpp, lint_serialization.cpp and
// lint_json_bounds.cpp.
#include "tasks/lint.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tasks/lint_rules.hpp"

namespace tg {

std::string_view name_of(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "?";
}

const std::vector<LintRule>& lint_rules() {
  static const std::vector<LintRule> rules = {
      {"multi-inout", Severity::Error, "two Out/InOut args of one task overlap"},
      {"in-out-overlap", Severity::Error, "an In and a written arg of one task overlap without being one InOut arg"},
      {"view-out-of-bounds", Severity::Error, "an argument's region lies (partly) outside its buffer"},
      {"dtype-mismatch", Severity::Error, "an argument's dtype differs from the one the task's kernel expects"},
      {"write-to-input", Severity::Error, "a task writes an input or weight buffer (the caller's memory, read-only for a run)"},
      {"block-tile-race", Severity::Error, "several SPMD blocks of a tiled task write the same elements of an argument"},
      {"read-before-write", Severity::Error, "a staging or output region is read before any task wrote it"},
      {"output-never-written", Severity::Error, "an output buffer, or part of it, that no task writes"},
      {"dead-write", Severity::Warning, "a staging region written and never read afterwards"},
      {"lost-write", Severity::Warning, "a region written, then overwritten before any task read it"},
      {"buffer-capacity", Severity::Error,
       "a task's working set exceeds its core type's on-chip buffer (needs --machine; info when estimated)"},
      {"false-serialization", Severity::Info,
       "two tasks ordered only by a WAR/WAW edge on regions a different tiling would make disjoint"},
  };
  return rules;
}

std::string Diagnostic::to_string() const {
  std::string s = std::string(name_of(severity)) + "[" + rule + "] " + message + "\n";
  if (!suggestion.empty()) s += "  fix: " + suggestion + "\n";
  return s;
}

std::vector<Diagnostic> lint(const Graph& graph, const LintOptions& options) {
  auto enabled = [&](std::string_view id) {
    return std::find(options.disabled.begin(), options.disabled.end(), id) == options.disabled.end();
  };
  for (const auto& id : options.disabled)
    if (std::none_of(lint_rules().begin(), lint_rules().end(), [&](const LintRule& r) { return r.id == id; }))
      throw ConfigError("lint: unknown rule id '" + id + "' to disable; see docs/lint.md for the rule ids");

  std::vector<Diagnostic> found;
  lint_detail::check_task_args(graph, found);
  lint_detail::check_block_tiles(graph, found);
  lint_detail::check_dataflow(graph, found);
  if (options.machine) lint_detail::check_capacity(graph, *options.machine, found);
  if (options.hints) lint_detail::check_false_serialization(graph, found);

  std::vector<Diagnostic> kept;
  for (auto& d : found)
    if (enabled(d.rule) && (options.hints || d.severity != Severity::Info)) kept.push_back(std::move(d));
  auto rule_rank = [](const std::string& id) {
    const auto& rules = lint_rules();
    return std::find_if(rules.begin(), rules.end(), [&](const LintRule& r) { return r.id == id; }) - rules.begin();
  };
  // Graph-wide findings (no task) come last.
  std::stable_sort(kept.begin(), kept.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const auto ta = a.task ? static_cast<std::int64_t>(*a.task) : INT64_MAX;
    const auto tb = b.task ? static_cast<std::int64_t>(*b.task) : INT64_MAX;
    if (ta != tb) return ta < tb;
    return rule_rank(a.rule) < rule_rank(b.rule);
  });
  return kept;
}

bool lint_fails(const std::vector<Diagnostic>& diagnostics, bool werror) {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
    return d.severity == Severity::Error || (werror && d.severity == Severity::Warning);
  });
}

std::string diagnostics_to_json(const std::vector<Diagnostic>& diagnostics) {
  using Json = nlohmann::ordered_json;
  Json all = Json::array();
  for (const auto& d : diagnostics) {
    Json j{{"rule", d.rule}, {"severity", std::string(name_of(d.severity))}};
    if (d.task) j["task"] = *d.task;
    if (d.arg >= 0) j["arg"] = d.arg;
    if (d.other_task) j["other_task"] = *d.other_task;
    if (d.other_arg >= 0) j["other_arg"] = d.other_arg;
    if (!d.buffer.empty()) j["buffer"] = d.buffer;
    if (!d.regions.empty()) {
      Json regions = Json::array();
      for (const auto& box : d.regions) {
        Json dims = Json::array();
        for (int k = 0; k < box.rank(); ++k) {
          const auto i = static_cast<std::size_t>(k);
          dims.push_back(Json::array({box.offsets[i], box.offsets[i] + box.sizes[i]}));
        }
        regions.push_back(std::move(dims));
      }
      j["regions"] = std::move(regions);
    }
    j["message"] = d.message;
    j["suggestion"] = d.suggestion;
    all.push_back(std::move(j));
  }
  return all.dump(2) + "\n";
}

namespace lint_detail {

std::string describe_arg(const Task& task, std::size_t arg) {
  const Arg& a = task.args.at(arg);
  return std::string(name_of(a.access)) + " " + a.view.describe();
}

std::vector<Box> merge_boxes(std::vector<Box> boxes) {
  auto try_merge = [](const Box& a, const Box& b) -> std::optional<Box> {
    if (a.rank() != b.rank()) return std::nullopt;
    int differing = -1;
    for (int d = 0; d < a.rank(); ++d) {
      const auto i = static_cast<std::size_t>(d);
      if (a.offsets[i] == b.offsets[i] && a.sizes[i] == b.sizes[i]) continue;
      if (differing >= 0) return std::nullopt;
      differing = d;
    }
    if (differing < 0) return a;
    const auto i = static_cast<std::size_t>(differing);
    Box m = a;
    if (a.offsets[i] + a.sizes[i] == b.offsets[i]) {
      m.sizes[i] = a.sizes[i] + b.sizes[i];
      return m;
    }
    if (b.offsets[i] + b.sizes[i] == a.offsets[i]) {
      m.offsets[i] = b.offsets[i];
      m.sizes[i] = a.sizes[i] + b.sizes[i];
      return m;
    }
    return std::nullopt;
  };
  for (bool merged = true; merged;) {
    merged = false;
    for (std::size_t i = 0; i < boxes.size() && !merged; ++i)
      for (std::size_t k = i + 1; k < boxes.size() && !merged; ++k)
        if (auto m = try_merge(boxes[i], boxes[k])) {
          boxes[i] = std::move(*m);
          boxes.erase(boxes.begin() + static_cast<std::ptrdiff_t>(k));
          merged = true;
        }
  }
  std::sort(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) {
    return std::lexicographical_compare(a.offsets.begin(), a.offsets.end(), b.offsets.begin(), b.offsets.end());
  });
  return boxes;
}

std::string describe_region(const std::string& buffer, const std::vector<Box>& boxes) {
  if (boxes.empty()) return buffer + "[]";
  if (boxes.size() <= 3) {
    std::string s;
    for (const auto& b : boxes) s += (s.empty() ? "" : " + ") + buffer + box_to_string(b);
    return s;
  }
  std::int64_t elements = 0;
  for (const auto& b : boxes) elements += b.numel();
  return buffer + box_to_string(boxes.front()) + " and " + std::to_string(boxes.size() - 1) + " more boxes (" +
         std::to_string(elements) + " elements in all)";
}

std::vector<Box> overlap_boxes(const View& a, const View& b) {
  std::vector<Box> out;
  if (&a.buffer() != &b.buffer()) return out;
  const auto as = a.buffer_boxes();
  const auto bs = b.buffer_boxes();
  for (const auto& x : as)
    for (const auto& y : bs)
      if (auto o = intersect(x, y)) out.push_back(std::move(*o));
  return out;
}

}  // namespace lint_detail

}  // namespace tg

namespace tg {

LintSummary::LintSummary(const std::vector<Diagnostic>& diagnostics) : ran_(true) {
  for (const auto& rule : lint_rules()) {
    RuleCount c{std::string(rule.id), rule.severity, 0, {}};
    for (const auto& d : diagnostics)
      if (d.rule == rule.id) {
        ++c.count;
        c.severity = d.severity;  // a rule may report below its nominal severity (estimates)
        if (c.first.size() < kKeptPerRule) c.first.push_back(d);
      }
    if (c.count > 0) rules_.push_back(std::move(c));
  }
}

std::size_t LintSummary::count(Severity severity) const {
  std::size_t n = 0;
  for (const auto& r : rules_)
    for (const auto& d : r.first) n += d.severity == severity ? 1 : 0;
  // Diagnostics past the kept ones count with their rule's severity.
  for (const auto& r : rules_)
    if (r.count > r.first.size() && r.severity == severity) n += r.count - r.first.size();
  return n;
}

std::size_t LintSummary::count(std::string_view rule) const {
  for (const auto& r : rules_)
    if (r.rule == rule) return r.count;
  return 0;
}

std::string LintSummary::to_string() const {
  if (!ran_) return "not linted (finalize with Lint::Off)";
  std::string out;
  for (Severity s : {Severity::Error, Severity::Warning, Severity::Info}) {
    const std::size_t n = count(s);
    if (n == 0) continue;
    std::string rules;
    for (const auto& r : rules_)
      if (r.severity == s) rules += (rules.empty() ? "" : ", ") + r.rule + " " + std::to_string(r.count);
    out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(name_of(s)) + (n == 1 ? "" : "s") +
           " (" + rules + ")";
  }
  return out.empty() ? "clean" : out;
}

namespace {

std::string first_error_text(const std::vector<Diagnostic>& diagnostics) {
  std::size_t errors = 0;
  const Diagnostic* first = nullptr;
  for (const auto& d : diagnostics)
    if (d.severity == Severity::Error) {
      if (!first) first = &d;
      ++errors;
    }
  if (!first) return "lint failed";
  std::string text = "lint error [" + first->rule + "] " + first->message;
  if (!first->suggestion.empty()) text += "; fix: " + first->suggestion;
  if (errors > 1) text += " (and " + std::to_string(errors - 1) + " more lint error" + (errors > 2 ? "s" : "") + ")";
  return text;
}

}  // namespace

LintError::LintError(ErrorContext context, std::vector<Diagnostic> diagnostics)
    : Error(context, first_error_text(diagnostics),
            (context.scope.empty() ? "" : "scope '" + context.scope + "': ") + first_error_text(diagnostics)),
      diagnostics_(std::move(diagnostics)) {}

const std::string& LintError::rule() const {
  for (const auto& d : diagnostics_)
    if (d.severity == Severity::Error) return d.rule;
  static const std::string none;
  return none;
}

}  // namespace tg
