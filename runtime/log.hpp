#pragma once
// Logging goes through spdlog; this sets the level from a name ("info", "debug", ...).
#include <string_view>

namespace tg {

// Throws ConfigError for an unknown level name.
void set_log_level(std::string_view level);

}  // namespace tg
