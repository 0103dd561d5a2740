#include "runtime/multichip_machine.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

#include "runtime/embedded_presets.hpp"
#include "runtime/error.hpp"
#include "runtime/json_checked.hpp"
#include "runtime/json_object_reader.hpp"
#include "runtime/text_file.hpp"

namespace tg {
namespace {

using Preset = presets::Embedded;
// {"a2a3x4", R"(...)"}, ... generated from machines/a2a3x*.json.
constexpr Preset kPresets[] = {
#include "runtime/multichip_presets.inc"
};

using json_checked::ObjectReader;

constexpr double kGiga = 1e9;

NetworkDim read_dim(ObjectReader& r) {
  NetworkDim d;
  const std::string topology = r.text("topology");
  const auto parsed = parse_topology(topology);
  if (!parsed) r.fail(r.path() + "/topology", "is '" + topology + "'; expected ring, fully_connected or switch");
  d.topology = *parsed;
  d.size = static_cast<int>(r.integer("size", "chips", 2, 4096));
  d.links_per_chip = static_cast<int>(r.integer("links_per_chip", "links", 1, 1024));
  d.link_bytes_per_s = r.number("link_gbytes_per_s", "GB/s", true, 1e-3, 1e9) * kGiga;
  d.latency_ns = r.integer("latency_ns", "ns", 0, 1000000000000);
  r.reject_unknown();
  return d;
}

Network read_network(ObjectReader& root) {
  auto r = root.object("network");
  Network n;
  const auto& dims = r.array("dims", "an array of dimensions, innermost first");
  if (dims.empty()) r.fail(r.path() + "/dims", "must list at least one dimension");
  for (std::size_t i = 0; i < dims.size(); ++i) {
    auto dim = r.element("dims", dims[i], i);
    n.dims.push_back(read_dim(dim));
  }
  if (r.has("algorithms")) {
    auto algorithms = r.object("algorithms");
    for (const std::string& key : algorithms.keys()) {
      const auto collective = parse_collective(key);
      if (!collective)
        algorithms.fail(algorithms.path() + "/" + key,
                        "unknown collective; expected all_reduce, all_gather, reduce_scatter, broadcast or all_to_all");
      const std::string name = algorithms.text(key);
      const auto algorithm = parse_collective_algorithm(name);
      if (!algorithm)
        algorithms.fail(algorithms.path() + "/" + key, "is '" + name + "'; expected auto, ring, halving_doubling or direct");
      n.algorithm[static_cast<std::size_t>(*collective)] = *algorithm;
    }
  }
  r.reject_unknown();
  return n;
}

}  // namespace

std::vector<std::string> multichip_preset_names() { return presets::names(kPresets); }

MultiChipMachine parse_multichip_json(std::string_view text, std::string_view origin) {
  const nlohmann::json doc = json_checked::parse(text, origin, json_checked::PathStyle::Pointer);
  ObjectReader root(doc, std::string(origin), "");
  MultiChipMachine m;
  m.name = root.text("name");
  m.description = root.has("description") ? root.text("description") : "";
  m.origin = std::string(origin);
  const std::string chip = root.text("chip");
  if (is_multichip_machine(chip)) root.fail("/chip", "names the multi-chip machine '" + chip + "'; name a chip preset or a chip .json file");
  try {
    m.chip = load_machine(chip);
  } catch (const Error& e) {  // an unreadable file (a device, a directory, a FIFO) too, named by the JSON path
    root.fail("/chip", std::string("'") + chip + "': " + e.what());
  }
  const auto chips = root.integer("chips", "chips", 2, Network::kMaxChips);
  m.network = read_network(root);
  root.reject_unknown();
  std::int64_t product = 1;
  for (const NetworkDim& d : m.network.dims) product = std::min<std::int64_t>(product * d.size, 1 << 30);
  if (product != chips)
    root.fail("/network/dims", "sizes multiply to " + std::to_string(product) + " chips, but \"chips\" is " +
                                   std::to_string(chips) + "; make the product of the sizes equal the chip count");
  try {
    m.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(origin) + ": " + e.what());
  }
  return m;
}

bool is_multichip_machine(std::string_view name_or_path) {
  if (!presets::names_a_file(name_or_path)) return presets::find(kPresets, name_or_path) != nullptr;
  try {
    const nlohmann::json doc = nlohmann::json::parse(read_text_file(std::string(name_or_path), "machine file"));
    return doc.is_object() && doc.contains("network");
  } catch (const std::exception&) {
    return false;
  }
}

MultiChipMachine load_multichip_machine(std::string_view name_or_path) {
  if (!presets::names_a_file(name_or_path)) {
    const Preset* preset = presets::find(kPresets, name_or_path);
    if (!preset) {
      std::string names;
      for (const auto& n : multichip_preset_names()) names += (names.empty() ? "" : ", ") + n;
      throw ConfigError("unknown multi-chip machine '" + std::string(name_or_path) + "'; presets: " + names +
                        ", or a path to a multi-chip machine .json file");
    }
    MultiChipMachine m = parse_multichip_json(preset->json, "machines/" + std::string(preset->name) + ".json");
    m.origin = "preset " + m.name;
    return m;
  }
  const std::string path(name_or_path);
  MultiChipMachine m = parse_multichip_json(read_text_file(path, "machine file"), path);
  m.origin = "file " + path;
  return m;
}

void MultiChipMachine::validate() const {
  chip.validate();
  try {
    network.validate();
  } catch (const ConfigError& e) {
    throw ConfigError("machine '" + name + "': " + e.what());
  }
}

std::string MultiChipMachine::summary() const {
  std::ostringstream os;
  os << "multi-chip machine " << name << " (" << origin << ")";
  if (!description.empty()) os << ": " << description;
  os << "\n  " << chips() << " chips of " << chip.name << "\n" << network.summary();
  os << "  each chip:\n" << chip.summary();
  return os.str();
}

}  // namespace tg
