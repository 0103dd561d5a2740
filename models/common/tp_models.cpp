#include "models/common/tp_models.hpp"

#include "runtime/error.hpp"

namespace tg::models {

// One line per model folder with tensor-parallel scopes.
namespace deepseek_v3_2 { TpModelEntry tp_scope1_entry(); }
namespace deepseek_v4 { TpModelEntry tp_swa_attention_entry(); }

const std::vector<TpModelEntry>& tp_model_registry() {
  static const std::vector<TpModelEntry> registry{deepseek_v3_2::tp_scope1_entry(), deepseek_v4::tp_swa_attention_entry()};
  return registry;
}

const TpModelEntry& find_tp_model(std::string_view name) {
  std::string known;
  for (const auto& entry : tp_model_registry()) {
    if (entry.name == name) return entry;
    known += (known.empty() ? "" : ", ") + entry.name;
  }
  throw ConfigError(ErrorContext{.option = "--tp"},
                    "model '" + std::string(name) + "' has no tensor-parallel form; --tp runs " + known);
}

}  // namespace tg::models
