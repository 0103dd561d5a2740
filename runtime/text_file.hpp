#pragma once
// Opening the files users name: a missing file, a directory where a file is expected, or an
// unreadable file is an IoError that says which, instead of "not valid JSON" or "not a .npy
// file" later on. Cost: one stat, then one read of the whole file.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace tg {

// An IoError unless `file` exists and is neither a directory nor a device or socket (a pipe
// is accepted: `<(generate_scope)`). `what` names it in the message ("JSON scope",
// "machine file", ".npy file").
void require_regular_file(const std::filesystem::path& file, std::string_view what);

// Text files (JSON scopes, machines) above this are refused as they are read, before they
// exhaust memory: the largest scope the reader accepts (16 Mi blocks) fits in far less.
constexpr std::size_t kMaxTextFileBytes = std::size_t{512} << 20;

// How long read_text_file waits for a process to open a named pipe (FIFO) for writing
// before it says no one is writing to it, instead of blocking forever.
constexpr int kFifoWriterWaitMs = 10'000;

// The whole of a text file, after require_regular_file; IoError past kMaxTextFileBytes, and
// for a FIFO no process opened for writing within `fifo_wait_ms`. An anonymous pipe is
// read once per process: reading it again returns the text of the first read.
std::string read_text_file(const std::filesystem::path& file, std::string_view what,
                           int fifo_wait_ms = kFifoWriterWaitMs);

}  // namespace tg
