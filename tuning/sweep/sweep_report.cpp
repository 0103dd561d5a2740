#include "tuning/sweep/sweep_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

namespace tg::tuning {

namespace {

std::string us(double ns) { return fmt::format("{:.3f} us", ns / 1e3); }
std::string ms(double ns) { return fmt::format("{:.3f} ms", ns / 1e6); }

// Columns padded to their widest cell; numbers right-aligned, text left-aligned.
void print_columns(const std::vector<std::vector<std::string>>& lines, const std::vector<bool>& right, std::ostream& out) {
  std::vector<std::size_t> width(lines.front().size(), 0);
  for (const auto& line : lines)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  for (const auto& line : lines) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      const auto pad = std::string(width[c] - line[c].size(), ' ');
      text += (c ? "  " : "") + (right[c] ? pad + line[c] : line[c] + (c + 1 < line.size() ? pad : ""));
    }
    out << text << "\n";
  }
}

nlohmann::ordered_json config_json(const TileSetting& setting) {
  auto config = nlohmann::ordered_json::object();
  for (const auto& [name, value] : setting) config[name] = value;
  return config;
}

}  // namespace

void print_sweep_table(const SweepResult& r, std::ostream& out) {
  const bool host = r.executor == "host";
  const bool several = r.strategy == "all";
  out << fmt::format("sweep {} ({}) on {}{}: {} combinations, {} {}, {} refused\n", r.model, r.base,
                     host ? fmt::format("the host executor, {} threads, median of {} runs", r.threads, r.seeds) : r.machine,
                     host ? "" : ", strategy " + r.strategy + (r.jitter ? fmt::format(", jitter over {} seeds from {}", r.seeds, *r.jitter) : ""),
                     r.combinations, r.combinations - r.refused.size(), host ? "run" : "simulated", r.refused.size());
  if (!r.rows.empty()) {
    std::vector<std::string> head{"rank"};
    for (const auto& [name, value] : r.rows.front().setting) head.push_back(name);
    if (several) head.push_back("strategy");
    head.push_back(host ? "median" : r.jitter ? "makespan (mean)" : "makespan");
    if (r.rows.front().spread) {
      head.push_back("std dev");
      head.push_back("min .. max");
    }
    for (const char* h : {"tasks", "blocks"}) head.push_back(h);
    head.push_back(host ? "golden" : "bound by");
    std::vector<bool> right(head.size(), true);
    right.back() = false;
    if (several) right[1 + r.rows.front().setting.size()] = false;
    std::vector<std::vector<std::string>> lines{head};
    const auto time = [&](double ns) { return host ? ms(ns) : us(ns); };
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      const SweepRow& row = r.rows[i];
      std::vector<std::string> line{std::to_string(i + 1)};
      for (const auto& [name, value] : row.setting) line.push_back(std::to_string(value));
      if (several) line.push_back(row.strategy);
      line.push_back(time(static_cast<double>(row.makespan_ns)));
      if (row.spread) {
        line.push_back(time(row.spread->stddev_ns));
        line.push_back(time(static_cast<double>(row.spread->min_ns)) + " .. " + time(static_cast<double>(row.spread->max_ns)));
      }
      line.push_back(std::to_string(row.tasks));
      line.push_back(std::to_string(row.blocks));
      line.push_back(host ? (*row.golden_pass ? "pass" : "FAIL") : row.bound_by);
      lines.push_back(std::move(line));
    }
    print_columns(lines, right, out);
  }
  if (!r.refused.empty()) {
    out << "refused:\n";
    for (const auto& refusal : r.refused) out << "  " << setting_text(refusal.setting) << ": " << refusal.reason << "\n";
  }
  out << fmt::format("{} combinations in {:.3f} s CPU ({:.2f} ms per combination)\n", r.combinations, r.cpu_seconds,
                     r.combinations ? 1e3 * r.cpu_seconds / static_cast<double>(r.combinations) : 0.0);
}

std::string sweep_json(const SweepResult& r) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["model"] = r.model;
  j["base"] = r.base;
  j["executor"] = r.executor;
  j["machine"] = r.machine;
  j["strategy"] = r.strategy;
  j["jitter"] = r.jitter ? Json(*r.jitter) : Json(nullptr);
  j["seeds"] = r.seeds;
  j["threads"] = r.executor == "host" ? Json(r.threads) : Json(nullptr);
  j["combinations"] = r.combinations;
  auto rows = Json::array();
  for (const auto& row : r.rows) {
    Json o;
    o["config"] = config_json(row.setting);
    o["strategy"] = row.strategy;
    o["makespan_ns"] = row.makespan_ns;
    o["tasks"] = row.tasks;
    o["edges"] = row.edges;
    o["blocks"] = row.blocks;
    o["bound_by"] = row.bound_by.empty() ? Json(nullptr) : Json(row.bound_by);
    o["spread"] = row.spread ? Json{{"count", row.spread->count},
                                    {"mean_ns", row.spread->mean_ns},
                                    {"stddev_ns", row.spread->stddev_ns},
                                    {"min_ns", row.spread->min_ns},
                                    {"max_ns", row.spread->max_ns}}
                             : Json(nullptr);
    o["golden_pass"] = row.golden_pass ? Json(*row.golden_pass) : Json(nullptr);
    rows.push_back(std::move(o));
  }
  j["rows"] = std::move(rows);
  auto refused = Json::array();
  for (const auto& refusal : r.refused) refused.push_back(Json{{"config", config_json(refusal.setting)}, {"reason", refusal.reason}});
  j["refused"] = std::move(refused);
  j["cpu_seconds"] = r.cpu_seconds;
  return j.dump(2);
}

}  // namespace tg::tuning
