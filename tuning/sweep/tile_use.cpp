#include "tuning/sweep/tile_use.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include "runtime/error.hpp"
#include "tasks/scope_json.hpp"

namespace tg::tuning {
namespace {

// The graph of `options` in a form two graphs compare by; none when the config refuses it.
std::optional<std::string> graph_text(const models::ModelEntry& entry, const models::ModelOptions& options) {
  std::optional<std::string> text;
  const auto refused = refusal_of([&] {
    text = to_scope_json(entry.graph ? entry.graph(options) : Graph(entry.make(options)->graph()));
  });
  if (refused) return std::nullopt;
  return text;
}

std::optional<models::TileParam> param_at(const models::ModelEntry& entry, const models::ModelOptions& options,
                                          const std::string& name) {
  std::vector<models::TileParam> params;
  if (refusal_of([&] { params = entry.tiles(options); })) return std::nullopt;
  for (const auto& p : params)
    if (p.name == name) return p;
  return std::nullopt;
}

// Values of the parameter's form other than `v`, to compare with when fewer than two of the
// listed ones build (the config may refuse a probe: V3.2 small refuses kv_out_tile = 128).
std::vector<std::int64_t> other_values(const models::TileParam& p, std::int64_t v) {
  if (p.form == models::TileForm::Flag) return {v == 0 ? 1 : 0};
  std::vector<std::int64_t> probes;
  for (const std::int64_t w : {v / 2, v * 2, v / 4, v + 1, std::int64_t{1}})
    if (w >= 1 && w <= models::kMaxTileValue && w != v) probes.push_back(w);
  return probes;
}

std::vector<std::vector<std::pair<std::string, std::int64_t>>> other_settings(const SweepRequest& request,
                                                                              std::size_t skip) {
  std::vector<SweepAxis> others;
  for (std::size_t i = 0; i < request.axes.size(); ++i)
    if (i != skip) others.push_back(request.axes[i]);
  return combinations(others);
}

}  // namespace

bool tile_acts(const models::ModelEntry& entry, const models::ModelOptions& options, const std::string& name,
               const std::vector<std::int64_t>& values) {
  models::ModelOptions at = options;
  at.tiles.erase(name);
  const auto param = param_at(entry, at, name);
  if (!param) return true;  // the options themselves are refused: the sweep says why
  std::set<std::int64_t> listed(values.begin(), values.end());
  listed.insert(param->value);
  std::vector<std::int64_t> tried(listed.begin(), listed.end());
  for (const auto v : other_values(*param, param->value))
    if (!listed.count(v)) tried.push_back(v);
  std::optional<std::string> first;
  std::size_t built = 0;
  for (std::size_t i = 0; i < tried.size(); ++i) {
    if (i >= listed.size() && built >= 2) break;  // probes only while fewer than two built
    at.tiles[name] = tried[i];
    const auto text = graph_text(entry, at);
    if (!text) continue;
    ++built;
    if (!first) first = text;
    else if (*text != *first) return true;
  }
  return built < 2;
}

std::vector<std::string> modes_using(const models::ModelEntry& entry, const models::ModelOptions& options,
                                     const std::string& name, const std::vector<std::int64_t>& values) {
  std::vector<std::string> modes;
  const std::string current = options.mode.empty() && !entry.modes.empty() ? entry.modes.front() : options.mode;
  for (const auto& mode : entry.modes) {
    if (mode == current) continue;
    models::ModelOptions other = options;
    other.mode = mode;
    if (param_at(entry, other, name) && tile_acts(entry, other, name, values)) modes.push_back(mode);
  }
  return modes;
}

std::string mode_text(const models::ModelEntry& entry, const models::ModelOptions& options) {
  if (!options.mode.empty()) return "--mode " + options.mode;
  return entry.modes.empty() ? "the model's tiling" : "--mode " + entry.modes.front() + " (the default)";
}

void check_axes_act(const SweepRequest& request, bool simulated) {
  const auto& entry = models::find_model(request.model);
  for (std::size_t i = 0; i < request.axes.size(); ++i) {
    const SweepAxis& axis = request.axes[i];
    const auto others = other_settings(request, i);
    const bool acts = std::any_of(others.begin(), others.end(), [&](const TileSetting& setting) {
      return tile_acts(entry, options_for(request, setting), axis.name, axis.values);
    });
    if (acts) continue;
    const auto first = options_for(request, others.front());
    const auto modes = modes_using(entry, first, axis.name, axis.values);
    std::string detail = axis.name + " changes no task of " + request.model + " at " + mode_text(entry, request.options) +
                         ": every value builds the same graph, so every row would be the same";
    if (!modes.empty()) {
      std::string list;
      for (const auto& m : modes) list += (list.empty() ? "" : ", ") + m;
      detail += "; it is a tile of --mode " + list + " (add --mode " + modes.front() + ")";
    } else if (simulated) {
      detail += "; no mode's graph shows it (it tunes a kernel inside its task), so only a host run can tell its "
                "values apart: sweep it with --host";
    } else {
      continue;  // a kernel's inner tile: the host run times it
    }
    throw ConfigError(ErrorContext{.option = "--set"}, detail);
  }
}

}  // namespace tg::tuning
