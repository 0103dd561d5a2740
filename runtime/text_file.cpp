#include "runtime/text_file.hpp"

#include <fstream>
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
  // A device never ends (/dev/zero) or waits for a terminal; a pipe is a file's content.
  if (std::filesystem::is_character_file(status) || std::filesystem::is_block_file(status) ||
      std::filesystem::is_socket(status))
    throw IoError(std::string(what) + " '" + file.string() + "' is a device or socket; expected a file");
}

std::string read_text_file(const std::filesystem::path& file, std::string_view what) {
  require_regular_file(file, what);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot open " + std::string(what) + " '" + file.string() + "' (check its permissions)");
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxTextFileBytes)
      throw IoError(std::string(what) + " '" + file.string() + "' is larger than " +
                    std::to_string(kMaxTextFileBytes >> 20) + " MiB; no tilegraph text file is that large");
  }
  if (in.bad()) throw IoError("reading " + std::string(what) + " '" + file.string() + "' failed");
  return text;
}

}  // namespace tg
