#pragma once
// A model's tile parameters by name: the config fields that set its task granularity (how
// many SPMD blocks a stage has, how much one block works on), which `tilegraph sweep` varies.
// A model lists them with their current value and allowed form (ModelEntry::tiles), and
// applies overrides by name from ModelOptions::tiles before its config validation, which
// stays the judge of whether a combination is valid (a tile must divide what it splits).
//
//   const TileTable<Tiles> table{{positive_tile("kv_tile", &Tiles::kv_tile, "N tile of kv_proj")}};
//   table.apply(cfg.tiles, options.tiles, "v4-qkv-proj-rope");   // ConfigError on an unknown name
//   for (const TileParam& p : table.list(cfg.tiles)) use(p.name, p.value, p.form_text());
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/error.hpp"

namespace tg::models {

// What a value must look like before the config judges it. Positive: an integer from 1 to
// kMaxTileValue (a cap so tile arithmetic never overflows); Flag: 0 (off) or 1 (on).
enum class TileForm : std::uint8_t { Positive, Flag };
inline constexpr std::int64_t kMaxTileValue = std::int64_t{1} << 20;

struct TileParam {
  std::string name;     // the config field, e.g. "q_lora_tile"
  std::int64_t value = 0;  // at the options it was listed for (a flag: 0 or 1)
  TileForm form = TileForm::Positive;
  std::string meaning;  // one line, with the spec's name where it has one
  // "an integer from 1 to 1048576" | "0 or 1"
  std::string form_text() const;
  // Empty when `value` has this parameter's form; otherwise why not, e.g. "0 is out of range;
  // expected an integer from 1 to 1048576".
  std::string form_error(std::int64_t value) const;
};

// Tile overrides by parameter name (ModelOptions::tiles).
using TileValues = std::map<std::string, std::int64_t, std::less<>>;

// The tile parameters of one config struct T (a model's tiles, or its whole config).
template <typename T>
class TileTable {
 public:
  struct Field {
    TileParam param;  // value unused: read from a T
    std::function<std::int64_t(const T&)> get;
    std::function<void(T&, std::int64_t)> set;
  };

  explicit TileTable(std::vector<Field> fields) : fields_(std::move(fields)) {}

  std::vector<TileParam> list(const T& tiles) const {
    std::vector<TileParam> params;
    for (const Field& f : fields_) {
      params.push_back(f.param);
      params.back().value = f.get(tiles);
    }
    return params;
  }

  // Sets every override; a name this table does not have, or a value outside its form, is a
  // ConfigError naming the model, the parameter and the valid names or form.
  void apply(T& tiles, const TileValues& overrides, std::string_view model) const {
    for (const auto& [name, value] : overrides) {
      const Field* field = find(name);
      if (!field) throw ConfigError(std::string(model) + ": unknown tile parameter '" + name + "'; its tile parameters are " + names());
      if (const auto why = field->param.form_error(value); !why.empty())
        throw ConfigError(std::string(model) + ": tile parameter " + name + " = " + why);
      field->set(tiles, value);
    }
  }

 private:
  const Field* find(std::string_view name) const {
    for (const Field& f : fields_)
      if (f.param.name == name) return &f;
    return nullptr;
  }
  std::string names() const {
    std::string text;
    for (const Field& f : fields_) text += (text.empty() ? "" : ", ") + f.param.name;
    return text;
  }

  std::vector<Field> fields_;
};

// A Positive field read from and written to `member`.
template <typename T>
typename TileTable<T>::Field positive_tile(std::string name, std::int64_t T::*member, std::string meaning) {
  return {TileParam{std::move(name), 0, TileForm::Positive, std::move(meaning)},
          [member](const T& t) { return t.*member; }, [member](T& t, std::int64_t v) { t.*member = v; }};
}

// A Flag field read from and written to the bool `member`.
template <typename T>
typename TileTable<T>::Field flag_tile(std::string name, bool T::*member, std::string meaning) {
  return {TileParam{std::move(name), 0, TileForm::Flag, std::move(meaning)},
          [member](const T& t) { return std::int64_t{t.*member ? 1 : 0}; },
          [member](T& t, std::int64_t v) { t.*member = v != 0; }};
}

}  // namespace tg::models
