#pragma once
// The hidden temporaries of atomic writes (atomic_file.hpp): `.tmp-PID-N-NAME` beside the
// target NAME, PID the writer's process. The writer holds an flock on its temporary from the
// moment it exists; the kernel drops that lock when the process ends, however it ends (a
// SIGKILL mid-dump too). So the next write to the same target can prove a leftover abandoned
// and remove it: its PID is no live process here AND its lock is free. Either test alone
// would not do: a PID is reused (then the leftover stays: safe), and a writer in another PID
// namespace sharing the folder shows a PID that looks dead (its lock is still held).
#include <cstddef>
#include <filesystem>

namespace tg::detail {

// A new hidden temporary beside `target`, created (file or folder) and locked until this
// object ends; it is not removed then (it has usually been renamed into place).
class HeldTemporary {
 public:
  enum class Kind { File, Folder };
  // Throws IoError when it cannot be created (the folder is not writable).
  HeldTemporary(const std::filesystem::path& target, Kind kind);
  ~HeldTemporary();
  HeldTemporary(const HeldTemporary&) = delete;
  HeldTemporary& operator=(const HeldTemporary&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int lock_fd_ = -1;
};

// A fresh temporary name beside `target`, nothing created (a folder moved aside).
std::filesystem::path temporary_name(const std::filesystem::path& target);

// Removes the temporaries beside `target` (of the same NAME) that are provably abandoned, as
// above; never one whose writer may be alive. Best effort: what cannot be removed stays.
// Returns how many were removed. Cost: one scan of the target's folder.
std::size_t remove_abandoned_temporaries(const std::filesystem::path& target);

}  // namespace tg::detail
