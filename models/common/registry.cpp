#include "models/common/registry.hpp"

#include "runtime/error.hpp"

namespace tg::models {

// One line per model folder.
namespace deepseek_v3_2 { void register_models(std::vector<ModelEntry>& registry); }
namespace deepseek_v4 { void register_models(std::vector<ModelEntry>& registry); }

const std::vector<ModelEntry>& model_registry() {
  static const std::vector<ModelEntry> registry = [] {
    std::vector<ModelEntry> list;
    deepseek_v3_2::register_models(list);
    deepseek_v4::register_models(list);
    for (std::size_t i = 0; i < list.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (list[i].name == list[j].name) throw ConfigError("model '" + list[i].name + "' is registered twice");
    return list;
  }();
  return registry;
}

const ModelEntry& find_model(std::string_view name) {
  std::string known;
  for (const auto& entry : model_registry()) {
    if (entry.name == name) return entry;
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  throw ConfigError("unknown model '" + std::string(name) + "'; known models: " + known);
}

}  // namespace tg::models
