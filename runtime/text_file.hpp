#pragma once
// Opening the files users name: a missing file, a directory where a file is expected, or an
// unreadable file is an IoError that says which, instead of "not valid JSON" or "not a .npy
// file" later on. Cost: one stat, then one read of the whole file.
#include <filesystem>
#include <string>
#include <string_view>

namespace tg {

// An IoError unless `file` exists and is not a directory. `what` names it in the message
// ("JSON scope", "machine file", ".npy file").
void require_regular_file(const std::filesystem::path& file, std::string_view what);

// The whole of a text file, after require_regular_file.
std::string read_text_file(const std::filesystem::path& file, std::string_view what);

}  // namespace tg
