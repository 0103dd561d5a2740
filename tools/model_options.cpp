#include "tools/model_options.hpp"

#include <algorithm>

#include "tools/command.hpp"

namespace tg::cli {
namespace {

std::string listed(const std::vector<std::string>& names, bool first_is_default) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i] + (i == 0 && first_is_default ? " (the default)" : "");
  return text;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void check_model_options(const models::ModelEntry& entry, const models::ModelOptions& options) {
  if (!options.mode.empty()) {
    if (entry.modes.empty())
      throw UsageError(ErrorContext{.option = "--mode"},
                       "'" + options.mode + "': " + entry.name + " has no modes; leave --mode out");
    if (!has(entry.modes, options.mode))
      throw UsageError(ErrorContext{.option = "--mode"}, "'" + options.mode + "' is not a mode of " + entry.name +
                                                             "; its modes are " + listed(entry.modes, true));
  }
  if (!entry.configs.empty() && !has(entry.configs, options.config))
    throw UsageError(ErrorContext{.option = "--config"}, "'" + options.config + "' is not a config of " + entry.name +
                                                             "; use " + listed(entry.configs, false));
}

}  // namespace tg::cli
