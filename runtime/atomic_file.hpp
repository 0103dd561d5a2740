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
// `file` with the same extension; `file` itself when it is a device or pipe, /dev/stdout). Throws IoError when the folder is missing, the temporary
// cannot be written, or the rename fails; whatever `write` throws is passed on.
void write_file_atomically(const std::filesystem::path& file,
                           const std::function<void(const std::filesystem::path& temporary)>& write);

// The same for content written to a stream; a stream error is an IoError naming `file`.
void write_stream_atomically(const std::filesystem::path& file, const std::function<void(std::ostream& out)>& write);

// A folder appears whole or not at all: `write(temporary)` fills a new hidden sibling folder,
// which then takes the place of `folder` in one rename (swapping with the old folder where
// the file system can, renameat2 RENAME_EXCHANGE), and the old folder is removed. Readers and
// concurrent writers see the old folder or one new one whole, never a mix; an interrupted
// run leaves at most a hidden `.tmp-*` sibling, which the next write to the same folder
// removes once it can prove its writer gone (temporary_sibling.hpp; a live concurrent
// writer's is never touched; files are handled alike). `folder`'s parent must exist (IoError
// otherwise); whatever `write` throws is passed on, with the temporary removed.
// Cost: two renames and the removal of the old folder.
void replace_folder_atomically(const std::filesystem::path& folder,
                               const std::function<void(const std::filesystem::path& temporary)>& write);

}  // namespace tg
