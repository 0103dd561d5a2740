#pragma once
// Output files appear whole or not at all: the content is written to a temporary sibling
// (same folder, so the rename cannot cross file systems) and renamed over the target, so a
// failed or interrupted run, or a reader looking at the same moment, never sees half a file.
// On failure the temporary is removed and the target is left as it was.
// Cost: one extra rename per file.
#include <filesystem>
#include <functional>
#include <iosfwd>

namespace tg {

// `write(temporary)` writes the content at the path it is given (a hidden sibling of
// `file` with the same extension). Throws IoError when the folder is missing, the temporary
// cannot be written, or the rename fails; whatever `write` throws is passed on.
void write_file_atomically(const std::filesystem::path& file,
                           const std::function<void(const std::filesystem::path& temporary)>& write);

// The same for content written to a stream; a stream error is an IoError naming `file`.
void write_stream_atomically(const std::filesystem::path& file, const std::function<void(std::ostream& out)>& write);

}  // namespace tg
