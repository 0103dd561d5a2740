#include "tuning/sweep/sweep_space.hpp"

#include <algorithm>
#include <charconv>

#include "runtime/error.hpp"

namespace tg::tuning {

namespace {

[[noreturn]] void refuse(const std::string& detail) { throw ConfigError(ErrorContext{.option = "--set"}, detail); }

std::string param_names(const std::vector<models::TileParam>& params) {
  std::string text;
  for (const auto& p : params) text += (text.empty() ? "" : ", ") + p.name;
  return text;
}

std::vector<std::string_view> split(std::string_view text, char by) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto at = text.find(by, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

SweepAxis parse_axis(std::string_view text, const std::vector<models::TileParam>& params, std::string_view model) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    const auto named = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.name == text; });
    const auto& example = named != params.end() ? *named : params.front();
    refuse("'" + std::string(text) + "' is not NAME=v1,v2,...; e.g. --set " + example.name + "=" + std::to_string(example.value));
  }
  SweepAxis axis{std::string(text.substr(0, eq)), {}};
  const auto param = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.name == axis.name; });
  if (param == params.end())
    refuse("unknown tile parameter '" + axis.name + "' of " + std::string(model) + "; its tile parameters are " +
           param_names(params) + " (tilegraph sweep " + std::string(model) + " --list-tiles)");
  const auto list = text.substr(eq + 1);
  if (list.empty()) refuse(axis.name + ": the list of values is empty; give one or more, e.g. " + axis.name + "=" + std::to_string(param->value));
  for (const auto item : split(list, ',')) {
    const std::string shown = "'" + std::string(item) + "'";
    if (item.empty()) refuse(axis.name + ": an empty value in '" + std::string(list) + "'; separate the values by single commas");
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec == std::errc::result_out_of_range) refuse(axis.name + ": " + shown + " is out of range; expected " + param->form_text());
    if (ec != std::errc{} || end != item.data() + item.size())
      refuse(axis.name + ": " + shown + " is not an integer; expected " + param->form_text());
    if (const auto why = param->form_error(v); !why.empty()) refuse(axis.name + ": " + why);
    if (std::find(axis.values.begin(), axis.values.end(), v) != axis.values.end())
      refuse(axis.name + ": " + std::to_string(v) + " is listed twice");
    axis.values.push_back(v);
  }
  return axis;
}

}  // namespace

std::vector<SweepAxis> parse_axes(const std::vector<std::string>& texts, const std::vector<models::TileParam>& params,
                                  std::string_view model) {
  if (params.empty()) refuse(std::string(model) + " exposes no tile parameters to sweep");
  if (texts.empty()) refuse("no --set given; sweep at least one of " + param_names(params));
  std::vector<SweepAxis> axes;
  for (const auto& text : texts) {
    auto axis = parse_axis(text, params, model);
    if (std::any_of(axes.begin(), axes.end(), [&](const auto& a) { return a.name == axis.name; }))
      refuse(axis.name + " is given in two --set options; list all its values in one (" + axis.name + "=v1,v2,...)");
    axes.push_back(std::move(axis));
  }
  double count = 1;  // a double: the product of long lists must not wrap before it is compared
  std::string product;
  for (const auto& axis : axes) {
    count *= static_cast<double>(axis.values.size());
    product += (product.empty() ? "" : " x ") + std::to_string(axis.values.size());
  }
  if (count > static_cast<double>(kMaxCombinations))
    refuse("the sweep has " + std::to_string(static_cast<unsigned long long>(count)) + " combinations" +
           (axes.size() > 1 ? " (" + product + ")" : "") + ", more than the cap of " + std::to_string(kMaxCombinations) + "; sweep fewer values at a time");
  return axes;
}

std::vector<TileSetting> combinations(const std::vector<SweepAxis>& axes) {
  std::vector<TileSetting> all{TileSetting{}};
  for (const auto& axis : axes) {
    std::vector<TileSetting> next;
    for (const auto& prefix : all)
      for (const auto v : axis.values) {
        next.push_back(prefix);
        next.back().emplace_back(axis.name, v);
      }
    all = std::move(next);
  }
  return all;
}

std::string setting_text(const TileSetting& setting) {
  std::string text;
  for (const auto& [name, value] : setting) text += (text.empty() ? "" : " ") + name + "=" + std::to_string(value);
  return text;
}

models::TileValues tile_values(const TileSetting& setting) { return {setting.begin(), setting.end()}; }

}  // namespace tg::tuning
