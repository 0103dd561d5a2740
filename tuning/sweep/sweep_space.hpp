#pragma once
// The space of a tile sweep: `--set NAME=v1,v2,...` axes checked against a model's tile
// parameters, and their cartesian product, one TileSetting per combination.
//
//   auto axes = parse_axes({"q_lora_tile=128,256", "kv_tile=32,64"}, entry.tiles(options), entry.name);
//   for (const TileSetting& setting : combinations(axes)) build(setting);   // 4 combinations
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/common/tile_params.hpp"

namespace tg::tuning {

// More combinations than this is a usage error: a sweep is for a handful of tiles, and each
// combination builds and simulates a graph (docs/tuning.md).
inline constexpr std::size_t kMaxCombinations = 256;

struct SweepAxis {
  std::string name;
  std::vector<std::int64_t> values;  // in the order given, each once
};

// One combination: a value per axis, in the axes' order.
using TileSetting = std::vector<std::pair<std::string, std::int64_t>>;

// Parses and checks every `--set` text against the model's parameters. A ConfigError with
// option "--set" names what is wrong: a text without '=', an unknown NAME (listing the
// model's), an empty list or an empty item, a value that is not an integer or not of the
// parameter's form, a value given twice, the same NAME in two --set, more than
// kMaxCombinations combinations, no --set at all.
std::vector<SweepAxis> parse_axes(const std::vector<std::string>& texts, const std::vector<models::TileParam>& params,
                                  std::string_view model);

// Every combination, the first axis varying slowest. Cost: O(product of the value counts).
std::vector<TileSetting> combinations(const std::vector<SweepAxis>& axes);

// "q_lora_tile=128 kv_tile=64"
std::string setting_text(const TileSetting& setting);
// The setting as ModelOptions::tiles.
models::TileValues tile_values(const TileSetting& setting);

}  // namespace tg::tuning
