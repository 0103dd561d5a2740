#include "tuning/sweep/sweep_html.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace tg::tuning {

namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

constexpr int kLabelWidth = 330, kBarWidth = 560, kValueWidth = 110, kRowHeight = 18, kTop = 20;
// One colour per strategy, in the order they first appear (the swimlane page's palette).
constexpr const char* kColors[] = {"#6baed6", "#fd8d3c", "#74c476", "#9e9ac8", "#e377c2", "#8c564b"};

std::string label_of(const SweepRow& row, bool several) {
  return setting_text(row.setting) + (several ? "  [" + row.strategy + "]" : "");
}

void write_chart(const SweepResult& r, std::ostream& out) {
  const bool several = r.strategy == "all", host = r.executor == "host";
  double top = 1;
  for (const auto& row : r.rows)
    top = std::max({top, static_cast<double>(row.makespan_ns), row.spread ? static_cast<double>(row.spread->max_ns) : 0.0});
  std::vector<std::string> strategies;
  auto x = [&](double ns) { return kLabelWidth + kBarWidth * ns / top; };
  const int height = kTop + kRowHeight * static_cast<int>(r.rows.size()) + 8;
  out << fmt::format("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\">\n",
                     kLabelWidth + kBarWidth + kValueWidth, height);
  // A grid line and label at each quarter of the axis, which starts at 0: lengths compare.
  for (int q = 0; q <= 4; ++q) {
    const double ns = top * q / 4;
    out << fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
                       "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" class=\"muted\">{4}</text>\n",
                       x(ns), kTop - 2, height - 8, kTop - 6,
                       host ? fmt::format("{:.3f} ms", ns / 1e6) : fmt::format("{:.1f} us", ns / 1e3));
  }
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const SweepRow& row = r.rows[i];
    auto at = std::find(strategies.begin(), strategies.end(), row.strategy);
    if (at == strategies.end()) at = strategies.insert(at, row.strategy);
    const char* color = kColors[static_cast<std::size_t>(at - strategies.begin()) % std::size(kColors)];
    const int y = kTop + kRowHeight * static_cast<int>(i), mid = y + kRowHeight / 2;
    const double value = static_cast<double>(row.makespan_ns);
    out << fmt::format("<g class=\"row\" data-rank=\"{}\" data-makespan-ns=\"{}\"><title>{}</title>\n", i + 1, row.makespan_ns,
                       escaped(label_of(row, several)));
    out << fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLabelWidth - 6, mid + 4,
                       escaped(label_of(row, several)));
    out << fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>\n", kLabelWidth, y + 2,
                       x(value) - kLabelWidth, kRowHeight - 4, color);
    if (row.spread) {
      const Spread& s = *row.spread;
      out << fmt::format("<rect class=\"band\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"#000\" fill-opacity=\"0.18\"/>\n",
                         x(std::max(0.0, s.mean_ns - s.stddev_ns)), y + 5, x(s.mean_ns + s.stddev_ns) - x(std::max(0.0, s.mean_ns - s.stddev_ns)),
                         kRowHeight - 10);
      out << fmt::format("<line class=\"whisker\" x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\" stroke=\"#333\"/>\n",
                         x(static_cast<double>(s.min_ns)), x(static_cast<double>(s.max_ns)), mid, mid);
      for (const auto end : {s.min_ns, s.max_ns})
        out << fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#333\"/>\n", x(static_cast<double>(end)),
                           mid - 4, mid + 4);
    }
    const double right = row.spread ? std::max(value, static_cast<double>(row.spread->max_ns)) : value;
    out << fmt::format("<text x=\"{:.1f}\" y=\"{}\">{}</text>\n</g>\n", x(right) + 4, mid + 4,
                       host ? fmt::format("{:.3f} ms", value / 1e6) : fmt::format("{:.3f} us", value / 1e3));
  }
  out << "</svg>\n";
  if (several) {
    out << "<div class=\"legend\">";
    for (std::size_t i = 0; i < strategies.size(); ++i)
      out << fmt::format("<span><i style=\"background:{}\"></i>{}</span>", kColors[i % std::size(kColors)], escaped(strategies[i]));
    out << "</div>\n";
  }
}

void write_table(const SweepResult& r, std::ostream& out) {
  const bool host = r.executor == "host";
  auto time = [&](double ns) { return host ? fmt::format("{:.3f} ms", ns / 1e6) : fmt::format("{:.3f} us", ns / 1e3); };
  out << "<table id=\"rows\"><tr><th>rank</th><th>configuration</th><th>strategy</th><th>" << (host ? "median" : "makespan")
      << "</th><th>mean</th><th>std dev</th><th>min .. max</th><th>tasks</th><th>blocks</th><th>" << (host ? "golden" : "bound by")
      << "</th></tr>\n";
  for (std::size_t i = 0; i < r.rows.size(); ++i) {
    const SweepRow& row = r.rows[i];
    const auto& s = row.spread;
    out << fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       i + 1, escaped(setting_text(row.setting)), escaped(row.strategy), time(static_cast<double>(row.makespan_ns)),
                       s ? time(s->mean_ns) : "-", s ? time(s->stddev_ns) : "-",
                       s ? time(static_cast<double>(s->min_ns)) + " .. " + time(static_cast<double>(s->max_ns)) : "-",
                       row.tasks, row.blocks, host ? (*row.golden_pass ? "pass" : "FAIL") : escaped(row.bound_by));
  }
  out << "</table>\n";
}

}  // namespace

void write_sweep_html(const SweepResult& r, std::ostream& out) {
  const bool host = r.executor == "host";
  const std::string title = fmt::format("tile sweep: {} ({})", r.model, r.base);
  const std::string where =
      host ? fmt::format("host executor, {} threads; bar: median of {} timed runs, whisker: min .. max, band: mean ± std dev", r.threads, r.seeds)
           : fmt::format("machine {}, strategy {}; bar: {}", r.machine, r.strategy,
                         r.jitter ? fmt::format("mean makespan over {} jitter seeds from {}, whisker: min .. max, band: mean ± std dev",
                                                r.seeds, *r.jitter)
                                  : std::string("simulated makespan"));
  out << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << escaped(title) << "</title>\n"
      << "<style>\n"
         "  body { margin: 0; font: 12px sans-serif; color: #222; }\n"
         "  #bar { padding: 4px 8px; background: #f0f0f0; border-bottom: 1px solid #ccc; }\n"
         "  #bar b { margin-right: 12px; }\n"
         "  main { padding: 8px; }\n"
         "  svg text { font: 11px monospace; fill: #222; }\n"
         "  svg text.muted { fill: #888; }\n"
         "  .legend span { margin-right: 12px; }\n"
         "  .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border: 1px solid #999; }\n"
         "  table { border-collapse: collapse; margin-top: 10px; }\n"
         "  th, td { padding: 1px 8px; border-bottom: 1px solid #eee; text-align: right; font-family: monospace; white-space: nowrap; }\n"
         "  th { background: #fafafa; }\n"
         "  td:nth-child(2), td:nth-child(3), td:last-child, th:nth-child(2), th:last-child { text-align: left; }\n"
         "  .muted { color: #888; }\n"
         "</style>\n</head>\n<body>\n";
  out << "<div id=\"bar\"><b>" << escaped(title) << "</b><span>" << escaped(where) << "</span></div>\n<main>\n";
  out << fmt::format("<p id=\"counts\" data-combinations=\"{}\" data-rows=\"{}\" data-refused=\"{}\">{} combinations: {} {}, {} refused; best first</p>\n",
                     r.combinations, r.rows.size(), r.refused.size(), r.combinations, r.combinations - r.refused.size(),
                     host ? "run" : "simulated", r.refused.size());
  if (!r.rows.empty()) {
    write_chart(r, out);
    write_table(r, out);
  }
  if (!r.refused.empty()) {
    out << "<h3>refused</h3>\n<ul id=\"refused\">\n";
    for (const auto& refusal : r.refused)
      out << "<li><b>" << escaped(setting_text(refusal.setting)) << "</b>: " << escaped(refusal.reason) << "</li>\n";
    out << "</ul>\n";
  }
  out << "</main>\n</body>\n</html>\n";
}

}  // namespace tg::tuning
