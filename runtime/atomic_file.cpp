#include "runtime/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>
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

std::string errno_text() { return std::strerror(errno); }

// Swaps two existing folders in one step; false when the file system cannot (then the
// caller moves the old folder aside first).
bool exchange_folders(const std::filesystem::path& a, const std::filesystem::path& b) {
#ifdef RENAME_EXCHANGE
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw IoError("cannot replace folder '" + b.string() + "': " + errno_text());
#endif
  (void)a;
  (void)b;
  return false;
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

void replace_folder_atomically(const std::filesystem::path& folder,
                               const std::function<void(const std::filesystem::path& temporary)>& write) {
  if (folder.empty()) throw IoError("cannot write a folder with an empty name");
  // "out/" names the folder "out": strip the trailing separator so the sibling sits beside it.
  const auto target = folder.filename().empty() ? folder.parent_path() : folder;
  std::error_code ec;
  const auto parent = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  if (!std::filesystem::is_directory(parent, ec))
    throw IoError("cannot write folder '" + target.string() + "': folder '" + parent.string() + "' does not exist");
  const auto temporary = temporary_sibling(target);
  try {
    std::filesystem::create_directory(temporary);
    write(temporary);
    // A new target, or an empty folder, is replaced by a plain rename; a non-empty one (which
    // may have appeared since the caller looked: a concurrent run) by a swap.
    if (::rename(temporary.c_str(), target.c_str()) == 0) return;
    if (errno != EEXIST && errno != ENOTEMPTY)
      throw IoError("cannot write folder '" + target.string() + "': " + errno_text());
    if (exchange_folders(temporary, target)) {
      std::filesystem::remove_all(temporary, ec);  // now the old folder
      return;
    }
    const auto old = temporary_sibling(target);
    std::filesystem::rename(target, old);
    std::filesystem::rename(temporary, target);
    std::filesystem::remove_all(old, ec);
  } catch (const std::filesystem::filesystem_error& e) {
    std::filesystem::remove_all(temporary, ec);
    throw IoError("cannot write folder '" + target.string() + "': " + e.code().message());
  } catch (...) {
    std::filesystem::remove_all(temporary, ec);
    throw;
  }
}

}  // namespace tg
