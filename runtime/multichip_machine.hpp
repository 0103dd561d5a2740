#pragma once
// MultiChipMachine: N chips of one chip preset and the network between them, what
// `tilegraph sim --machine a2a3x4` simulates (scheduler/multichip_sim.hpp). Presets live as
// JSON in machines/ (a2a3x2, a2a3x4, a2a3x8; compiled in):
//   {"name": "a2a3x4", "chip": "a2a3", "chips": 4,
//    "network": {"dims": [{"topology": "fully_connected", "size": 4, "links_per_chip": 3,
//                          "link_gbytes_per_s": 56, "latency_ns": 2000}],
//                "algorithms": {"all_reduce": "ring"}}}          // optional, default auto
// "chip" names a chip preset or a chip .json file; the dims' sizes must multiply to "chips".
#include <string>
#include <string_view>
#include <vector>

#include "runtime/machine.hpp"
#include "runtime/network.hpp"

namespace tg {

struct MultiChipMachine {
  std::string name;         // "a2a3x4"
  std::string description;
  std::string origin;       // "preset a2a3x4", "file my_cluster.json"
  Machine chip;             // every chip is one of these
  Network network;

  int chips() const { return network.chips(); }
  // Throws ConfigError: the chip's validate() and the network's.
  void validate() const;
  std::string summary() const;
};

// Names of the compiled-in multi-chip presets: "a2a3x2", "a2a3x4", "a2a3x8".
std::vector<std::string> multichip_preset_names();

// True for a multi-chip preset name, or a .json path whose top level has a "network" key
// (an unreadable or malformed file: false, and load_machine reports it).
bool is_multichip_machine(std::string_view name_or_path);

// A multi-chip preset by name or a path to a JSON file. Errors are ConfigError naming the
// file and the JSON path ("a2a3x4.json: /network/dims/0/size: ..."): unknown or duplicate
// keys, values out of range, dims whose sizes do not multiply to "chips", a forced
// algorithm a dimension cannot run; an unknown name lists the presets.
MultiChipMachine load_multichip_machine(std::string_view name_or_path);
MultiChipMachine parse_multichip_json(std::string_view text, std::string_view origin);

}  // namespace tg
