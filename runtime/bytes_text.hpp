#pragma once
// Sizes in messages and reports: "184 KiB" when a whole number of KiB, else "1000 B".
#include <cstdint>
#include <string>

namespace tg {

inline std::string bytes_text(std::uint64_t bytes) {
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
  return std::to_string(bytes) + " B";
}

}  // namespace tg
