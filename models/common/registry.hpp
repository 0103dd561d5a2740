#pragma once
// The models `tilegraph run MODEL` knows. Each model folder provides one
// `register_models(std::vector<ModelEntry>&)` and models/common/registry.cpp calls it; an
// explicit list, because self-registering statics in a static library are dropped by the
// linker when nothing references their object file.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/model_run.hpp"

namespace tg::models {

struct ModelEntry {
  std::string name;                  // "v32-decode-scope1"
  std::string summary;               // one line for `tilegraph run --help`
  std::vector<std::string> configs;  // accepted ModelOptions::config values
  std::vector<std::string> bugs;     // accepted ModelOptions::plant_bug values
  std::function<std::unique_ptr<ModelRun>(const ModelOptions&)> make;
  // The config's tile parameters at these options (options.tiles applied), for `tilegraph
  // sweep`; empty function = the model exposes none.
  std::function<std::vector<TileParam>(const ModelOptions&)> tiles;
  // The graph make() builds, without the run's tensors (a sweep simulates many); empty
  // function = build it through make().
  std::function<Graph(const ModelOptions&)> graph;
  // Accepted ModelOptions::mode values, the default first (`tilegraph` lists them when a
  // --mode is not one); empty = the model has no modes.
  std::vector<std::string> modes;
};

const std::vector<ModelEntry>& model_registry();
// Throws ConfigError listing the known models when `name` is not one.
const ModelEntry& find_model(std::string_view name);

}  // namespace tg::models
