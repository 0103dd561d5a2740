#pragma once
// Planted bugs, one mechanism for every model: a model names its bugs in an enum and a table
// of (CLI name, value); `--plant-bug NAME` is parsed against the table, and the registry's list
// of bugs comes from the same table, so the two cannot disagree.
//
//   enum class Scope1Bug : unsigned char { none, rmsnorm_variance, skip_q_proj };
//   inline constexpr PlantedBug<Scope1Bug> kScope1Bugs[] = {{"rmsnorm-variance", Scope1Bug::rmsnorm_variance}, ...};
//   const Scope1Bug bug = parse_planted_bug("v32-decode-scope1", options.plant_bug, kScope1Bugs);
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.hpp"

namespace tg::models {

template <class Bug> struct PlantedBug {
  std::string_view name;  // as `--plant-bug` spells it
  Bug bug;
};

// "" and "none" are the enum's `none`; an unknown name is a ConfigError listing the model's bugs.
template <class Bug> Bug parse_planted_bug(std::string_view model, std::string_view name, std::span<const PlantedBug<Bug>> bugs) {
  if (name.empty() || name == "none") return Bug::none;
  std::string known;
  for (const auto& b : bugs) {
    if (b.name == name) return b.bug;
    known += (known.empty() ? "" : ", ") + std::string(b.name);
  }
  throw ConfigError(std::string(model) + ": unknown bug '" + std::string(name) + "' to plant; " +
                    (known.empty() ? std::string("this model has none") : "use one of " + known));
}

template <class Bug> std::vector<std::string> planted_bug_names(std::span<const PlantedBug<Bug>> bugs) {
  std::vector<std::string> names;
  for (const auto& b : bugs) names.emplace_back(b.name);
  return names;
}

}  // namespace tg::models
