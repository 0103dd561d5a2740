#include "tuning/fusion_report.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace tg::tuning {
namespace {

std::size_t shown(const FusionAdvice& a, int top) {
  return top <= 0 ? a.candidates.size() : std::min(a.candidates.size(), static_cast<std::size_t>(top));
}

std::string us(std::int64_t ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3f us", static_cast<double>(ns) / 1000.0);
  return buf;
}

std::string pct(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", p);
  return buf;
}

std::string kb(double bytes) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f KB", bytes / 1000.0);
  return buf;
}

std::string savings_text(const FusionSavings& s) {
  return "saves orchestrator " + us(s.orchestrator_ns) + ", scheduler threads " + us(s.scheduler_ns) + ", core heads " +
         us(s.head_ns) + " (switch " + us(s.switch_ns) + "), FIN waits " + us(s.completion_wait_ns) + ", GM " + kb(s.gm_bytes);
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

std::string format_advice(const FusionAdvice& a, int top) {
  std::string out = "fusion candidates of '" + a.scope + "' on " + a.machine + " (" + a.strategy + ", makespan " +
                    us(a.makespan_ns) + "): " + std::to_string(a.candidates.size()) + " found";
  const std::size_t n = shown(a, top);
  if (n < a.candidates.size()) out += ", best " + std::to_string(n) + " shown";
  out += "\n";
  for (std::size_t i = 0; i < n; ++i) {
    const auto& c = a.candidates[i];
    out += "  " + std::to_string(i + 1) + ". " + c.label + ": gain " + us(c.gain_ns()) + " (" + pct(c.gain_pct()) +
           " of the makespan)\n     " + c.reason + "\n     " + savings_text(c.savings) + "\n";
  }
  if (a.candidates.empty()) out += "  no pair of tasks can be fused (tuning::why_not says why for a given pair)\n";
  if (a.fused_makespan_ns) {
    const std::int64_t gain = a.makespan_ns - *a.fused_makespan_ns;
    out += "applied " + std::to_string(a.applied.size()) + " with a positive gain, best first (" + joined(a.applied) +
           "): " + std::to_string(a.fused_tasks) + " tasks, makespan " + us(a.makespan_ns) + " -> " + us(*a.fused_makespan_ns) +
           " (gain " + us(gain) + ", " + pct(a.makespan_ns ? 100.0 * static_cast<double>(gain) / static_cast<double>(a.makespan_ns) : 0) +
           ")\n";
    for (const auto& s : a.skipped) out += "  skipped " + s + "\n";
  }
  return out;
}

std::string advice_json(const FusionAdvice& a, int top) {
  using nlohmann::json;
  json list = json::array();
  for (std::size_t i = 0; i < shown(a, top); ++i) {
    const auto& c = a.candidates[i];
    json tasks = json::array();
    for (TaskId t : c.chain) tasks.push_back(t);
    list.push_back({{"rank", i + 1},
                    {"label", c.label},
                    {"tasks", tasks},
                    {"kind", std::string(name_of(c.kind))},
                    {"gain_ns", c.gain_ns()},
                    {"gain_pct", c.gain_pct()},
                    {"fused_makespan_ns", c.fused_makespan_ns},
                    {"intermediates", c.intermediates},
                    {"on_chip", c.on_chip},
                    {"working_set_bytes", c.working_set_bytes},
                    {"buffer", c.buffer.name},
                    {"buffer_bytes", c.buffer.bytes},
                    {"reason", c.reason},
                    {"saved", {{"orchestrator_ns", c.savings.orchestrator_ns},
                               {"scheduler_ns", c.savings.scheduler_ns},
                               {"head_ns", c.savings.head_ns},
                               {"switch_ns", c.savings.switch_ns},
                               {"completion_wait_ns", c.savings.completion_wait_ns},
                               {"gm_bytes", c.savings.gm_bytes}}}});
  }
  json out = {{"scope", a.scope},         {"machine", a.machine},
              {"strategy", a.strategy},   {"makespan_ns", a.makespan_ns},
              {"candidates_found", a.candidates.size()}, {"candidates", std::move(list)}};
  if (a.fused_makespan_ns) {
    out["applied"] = a.applied;
    out["skipped"] = a.skipped;
    out["fused_tasks"] = a.fused_tasks;
    out["fused_makespan_ns"] = *a.fused_makespan_ns;
  }
  return out.dump(2, ' ', false, json::error_handler_t::replace);
}

HtmlSection advice_section(const FusionAdvice& a, int top) {
  HtmlSection s;
  s.title = "Fusion candidates, best first (" + std::to_string(a.candidates.size()) + " found; makespan " + us(a.makespan_ns) +
            " on " + a.machine + ")";
  s.columns = {"#", "tasks", "gain", "% of makespan", "intermediates", "why fusable", "work saved"};
  for (std::size_t i = 0; i < shown(a, top); ++i) {
    const auto& c = a.candidates[i];
    s.rows.push_back({std::to_string(i + 1), c.label, us(c.gain_ns()), pct(c.gain_pct()),
                      joined(c.intermediates) + (c.on_chip ? " (on chip)" : " (GM)"), c.reason, savings_text(c.savings)});
  }
  return s;
}

}  // namespace tg::tuning
