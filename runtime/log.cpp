#include "runtime/log.hpp"

#include <spdlog/spdlog.h>

#include <string>

#include "runtime/error.hpp"

namespace tg {

void set_log_level(std::string_view level) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off")
    throw ConfigError("unknown log level '" + std::string(level) +
                      "'; use trace, debug, info, warn, error, critical or off");
  spdlog::set_level(parsed);
}

}  // namespace tg
