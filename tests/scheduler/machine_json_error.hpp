#pragma once
// What parse_machine_json says about a machine file's text: the ConfigError's message, or
// "(no error)" when the text is accepted. For tests of the machine file's checks.
#include <string>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"

namespace tg::testing {

inline std::string machine_json_error(const std::string& text) {
  try {
    parse_machine_json(text, "m.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace tg::testing
