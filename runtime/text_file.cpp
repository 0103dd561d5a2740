#include "runtime/text_file.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <tuple>
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

namespace {

[[noreturn]] void throw_too_large(const std::filesystem::path& file, std::string_view what) {
  throw IoError(std::string(what) + " '" + file.string() + "' is larger than " +
                std::to_string(kMaxTextFileBytes >> 20) + " MiB; no tilegraph text file is that large");
}

// Closes the descriptor on every path out of read_fifo.
struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

// A FIFO opened plainly blocks until some process opens it for writing, which may be never
// (`mkfifo f; tilegraph sim f`). Opened non-blocking, poll() waits for a writer's data or
// hang-up with a timeout; a writer that connected is then read to its end like a file.
std::string read_fifo(const std::filesystem::path& file, std::string_view what, int wait_ms) {
  const Fd in{::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (in.fd < 0)
    throw IoError("cannot open " + std::string(what) + " '" + file.string() + "': " + std::strerror(errno));
  pollfd ready{in.fd, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const int n = ::poll(&ready, 1, static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0)));
    if (n > 0) break;
    if (n == 0)
      throw IoError(std::string(what) + " '" + file.string() + "' is a named pipe (FIFO) that no process opened for " +
                    "writing within " + std::to_string(wait_ms) + " ms; start its writer first, or give a regular file");
    if (errno != EINTR)
      throw IoError("waiting for a writer of " + std::string(what) + " '" + file.string() + "': " + std::strerror(errno));
  }
  // A writer is there: read to end of file at its pace.
  ::fcntl(in.fd, F_SETFL, ::fcntl(in.fd, F_GETFL) & ~O_NONBLOCK);
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    const ssize_t got = ::read(in.fd, chunk, sizeof chunk);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw IoError("reading " + std::string(what) + " '" + file.string() + "' failed: " + std::strerror(errno));
    }
    text.append(chunk, static_cast<std::size_t>(got));
    if (text.size() > kMaxTextFileBytes) throw_too_large(file, what);
  }
  return text;
}

// An anonymous pipe (`<(cat m.json)`, /dev/stdin) can be read once: what it gave is kept, by
// path, device and inode, so that a second read in this process (`--machine <(...)` is read
// once to tell a multi-chip machine from a chip, then again to load it) gets the same text,
// not nothing. A named FIFO is read afresh each time: a new writer may have new content.
constexpr long kPipeFsMagic = 0x50495045;

std::string read_fifo_once(const std::filesystem::path& file, std::string_view what, int wait_ms) {
  struct stat st {};
  struct statfs fs {};
  if (::stat(file.c_str(), &st) != 0 || ::statfs(file.c_str(), &fs) != 0 || static_cast<long>(fs.f_type) != kPipeFsMagic)
    return read_fifo(file, what, wait_ms);
  static std::mutex mutex;
  static std::map<std::tuple<std::string, dev_t, ino_t>, std::string> read_before;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_tuple(file.string(), st.st_dev, st.st_ino);
  if (const auto it = read_before.find(key); it != read_before.end()) return it->second;
  std::string text = read_fifo(file, what, wait_ms);
  read_before.emplace(key, text);
  return text;
}

}  // namespace

std::string read_text_file(const std::filesystem::path& file, std::string_view what, int fifo_wait_ms) {
  require_regular_file(file, what);
  std::error_code ec;
  if (std::filesystem::is_fifo(std::filesystem::status(file, ec))) return read_fifo_once(file, what, fifo_wait_ms);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError("cannot open " + std::string(what) + " '" + file.string() + "' (check its permissions)");
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxTextFileBytes) throw_too_large(file, what);
  }
  if (in.bad()) throw IoError("reading " + std::string(what) + " '" + file.string() + "' failed");
  return text;
}

}  // namespace tg
