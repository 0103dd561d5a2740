#pragma once
// One error family. Messages say what is wrong, where (scope, task, argument, buffer,
// region) and what to do about it.
#include <stdexcept>
#include <string>

namespace tg {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A view, slice or shape that does not fit its buffer, or dims that disagree.
class ShapeError : public Error {
 public:
  using Error::Error;
};

// Graph construction problems: cycles, unknown tasks, bad dependencies.
class GraphError : public Error {
 public:
  using Error::Error;
};

// Malformed configuration: machine presets, model configs, JSON scopes, CLI values.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// Files that cannot be read or written, or hold something other than expected (.npy).
class IoError : public Error {
 public:
  using Error::Error;
};

// A task's working set over an on-chip buffer, or a staging ring too small.
class CapacityError : public Error {
 public:
  using Error::Error;
};

// A kernel threw while a graph ran; carries the task and block that failed.
class KernelError : public Error {
 public:
  KernelError(std::string task_name, int block_idx, const std::string& what)
      : Error("task '" + task_name + "' block " + std::to_string(block_idx) + " failed: " + what),
        task_name_(std::move(task_name)),
        block_idx_(block_idx) {}
  const std::string& task_name() const { return task_name_; }
  int block_idx() const { return block_idx_; }

 private:
  std::string task_name_;
  int block_idx_;
};

}  // namespace tg
