#pragma once
// The machine presets compiled into the library (machines/embed_presets.cmake): the chip
// presets (machine.cpp) and the multi-chip ones (multichip_machine.cpp) look names up alike.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tg::presets {

struct Embedded {
  const char* name;
  const char* json;
};

inline const Embedded* find(std::span<const Embedded> presets, std::string_view name) {
  for (const Embedded& p : presets)
    if (name == p.name) return &p;
  return nullptr;
}

inline std::vector<std::string> names(std::span<const Embedded> presets) {
  std::vector<std::string> out;
  for (const Embedded& p : presets) out.emplace_back(p.name);
  return out;
}

// A --machine value that names a file (it holds a '/' or ends in .json), not a preset.
inline bool names_a_file(std::string_view s) {
  return s.find('/') != std::string_view::npos || (s.size() > 5 && s.substr(s.size() - 5) == ".json");
}

}  // namespace tg::presets
