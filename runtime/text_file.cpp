#include "runtime/text_file.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "runtime/error.hpp"

namespace tg {

void require_regular_file(const std::filesystem::path& file, std::string_view what) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(status))
    throw IoError("cannot open " + std::string(what) + " '" + file.string() +
                  "': " + (ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "no such file"));
  if (std::filesystem::is_directory(status))
    throw IoError(std::string(what) + " '" + file.string() + "' is a directory; expected a file");
}

std::string read_text_file(const std::filesystem::path& file, std::string_view what) {
  require_regular_file(file, what);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot open " + std::string(what) + " '" + file.string() + "' (check its permissions)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError("reading " + std::string(what) + " '" + file.string() + "' failed");
  return text.str();
}

}  // namespace tg
