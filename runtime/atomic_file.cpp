#include "runtime/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "runtime/error.hpp"

namespace tg {
namespace {

std::filesystem::path temporary_sibling(const std::filesystem::path& file) {
  static std::atomic<unsigned> counter{0};
  const std::string name = ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                           file.filename().string();
  return file.parent_path() / name;
}

}  // namespace

void write_file_atomically(const std::filesystem::path& file,
                           const std::function<void(const std::filesystem::path& temporary)>& write) {
  if (file.empty() || file.filename().empty())
    throw IoError("cannot write '" + file.string() + "': expected a file name, not a folder");
  std::error_code ec;
  const auto folder = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
  if (!std::filesystem::is_directory(folder, ec))
    throw IoError("cannot write '" + file.string() + "': folder '" + folder.string() + "' does not exist");
  if (std::filesystem::is_directory(file, ec))
    throw IoError("cannot write '" + file.string() + "': it is a directory; expected a file name");
  const auto temporary = temporary_sibling(file);
  try {
    write(temporary);
    std::filesystem::rename(temporary, file);
  } catch (const std::filesystem::filesystem_error& e) {
    std::filesystem::remove(temporary, ec);
    throw IoError("cannot write '" + file.string() + "': " + e.code().message());
  } catch (...) {
    std::filesystem::remove(temporary, ec);
    throw;
  }
}

void write_stream_atomically(const std::filesystem::path& file, const std::function<void(std::ostream& out)>& write) {
  write_file_atomically(file, [&](const std::filesystem::path& temporary) {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
      throw IoError("cannot open '" + file.string() + "' to write: " + std::strerror(errno) +
                    "; check that the folder is writable");
    write(out);
    out.close();
    if (!out) throw IoError("writing '" + file.string() + "' failed (disk full?)");
  });
}

}  // namespace tg
