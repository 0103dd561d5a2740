#include "runtime/atomic_file.hpp"

#include <fcntl.h>
#include <stdio.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "runtime/error.hpp"
#include "runtime/temporary_sibling.hpp"

namespace tg {
namespace {

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
  const auto status = std::filesystem::status(file, ec);
  if (std::filesystem::is_directory(status))
    throw IoError("cannot write '" + file.string() + "': it is a directory; expected a file name");
  // A device or pipe (`-o /dev/stdout`) is written in place: a rename over it would replace
  // the device node itself with a regular file (as root, /dev/null too).
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    write(file);
    return;
  }
  detail::remove_abandoned_temporaries(file);
  const detail::HeldTemporary held(file, detail::HeldTemporary::Kind::File);
  const auto& temporary = held.path();
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
  auto target = folder.filename().empty() ? folder.parent_path() : folder;
  // "." and ".." name a folder too, but a rename onto them is refused: the folder's own path
  // (resolved as the kernel resolves it, symbolic links too) names it instead.
  if (target.filename() == "." || target.filename() == "..") {
    std::error_code resolve_error;
    target = std::filesystem::canonical(target, resolve_error);
    if (resolve_error) throw IoError("cannot write folder '" + folder.string() + "': " + resolve_error.message());
  }
  if (target == target.root_path() && !target.empty())
    throw IoError("cannot replace the root folder '" + folder.string() + "'; name a folder to write into");
  std::error_code ec;
  const auto parent = target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
  if (!std::filesystem::is_directory(parent, ec))
    throw IoError("cannot write folder '" + target.string() + "': folder '" + parent.string() + "' does not exist");
  detail::remove_abandoned_temporaries(target);  // left by runs killed mid-dump
  const detail::HeldTemporary held(target, detail::HeldTemporary::Kind::Folder);
  const auto& temporary = held.path();
  try {
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
    const auto old = detail::temporary_name(target);
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
