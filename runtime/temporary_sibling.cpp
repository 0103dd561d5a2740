#include "runtime/temporary_sibling.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "runtime/error.hpp"

namespace tg::detail {
namespace {

constexpr std::string_view kPrefix = ".tmp-";

std::filesystem::path folder_of(const std::filesystem::path& target) {
  return target.parent_path().empty() ? std::filesystem::path(".") : target.parent_path();
}

// The writer's PID of `.tmp-PID-N-NAME`, when `entry` is a temporary of `name`.
std::optional<pid_t> writer_of(std::string_view entry, std::string_view name) {
  if (entry.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  entry.remove_prefix(kPrefix.size());
  long long pid = 0;
  const auto [after_pid, pid_error] = std::from_chars(entry.data(), entry.data() + entry.size(), pid);
  if (pid_error != std::errc{} || pid <= 0 || after_pid == entry.data() + entry.size() || *after_pid != '-')
    return std::nullopt;
  entry.remove_prefix(static_cast<std::size_t>(after_pid - entry.data()) + 1);
  unsigned long long counter = 0;
  const auto [after_counter, counter_error] = std::from_chars(entry.data(), entry.data() + entry.size(), counter);
  if (counter_error != std::errc{} || after_counter == entry.data() + entry.size() || *after_counter != '-')
    return std::nullopt;
  entry.remove_prefix(static_cast<std::size_t>(after_counter - entry.data()) + 1);
  if (entry != name || pid > static_cast<long long>(std::numeric_limits<pid_t>::max())) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool process_is_gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

// An fd holding `path`'s lock, or -1 when another process holds it (or it cannot be opened).
int try_lock(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::filesystem::path temporary_name(const std::filesystem::path& target) {
  static std::atomic<unsigned> counter{0};
  const std::string name =
      std::string(kPrefix) + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + target.filename().string();
  return target.parent_path() / name;
}

HeldTemporary::HeldTemporary(const std::filesystem::path& target, Kind kind) : path_(temporary_name(target)) {
  if (kind == Kind::Folder) {
    if (::mkdir(path_.c_str(), 0777) != 0)
      throw IoError("cannot create a temporary folder beside '" + target.string() + "': " + std::strerror(errno));
    lock_fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } else {
    lock_fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (lock_fd_ < 0)
      throw IoError("cannot create a temporary file beside '" + target.string() + "': " + std::strerror(errno));
  }
  // A lock that cannot be taken only costs the proof of abandonment (the PID test still
  // protects this live writer), so the write goes on without it.
  if (lock_fd_ >= 0) (void)::flock(lock_fd_, LOCK_EX);
}

HeldTemporary::~HeldTemporary() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::size_t remove_abandoned_temporaries(const std::filesystem::path& target) {
  const std::string name = target.filename().string();
  if (name.empty()) return 0;
  std::vector<std::filesystem::path> leftovers;  // collected first: the scan does not see its own removals
  std::error_code ec;
  for (std::filesystem::directory_iterator it(folder_of(target), ec), end; !ec && it != end; it.increment(ec)) {
    const std::optional<pid_t> writer = writer_of(it->path().filename().string(), name);
    if (writer && *writer != ::getpid() && process_is_gone(*writer)) leftovers.push_back(it->path());
  }
  std::size_t removed = 0;
  for (const auto& leftover : leftovers) {
    const int fd = try_lock(leftover);
    if (fd < 0) continue;  // a live writer holds it (seen from another PID namespace)
    std::error_code remove_error;
    if (std::filesystem::remove_all(leftover, remove_error) > 0 && !remove_error) ++removed;
    ::close(fd);
  }
  return removed;
}

}  // namespace tg::detail
