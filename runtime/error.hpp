#pragma once
// One error family. Every error carries optional fields saying where it happened (scope,
// task, parameter / argument, buffer, region, file, JSON path, option); what() is built
// from them and the detail, so tools and bindings read the fields and people read the text:
//   "task 'q_head_proj#3': arg 2 (b): slice [0:16, 7000:7064] of wq_b[0:1536, 0:7168] ..."
// A layer that knows more context (Scope::submit knows the task) adds it with
// rethrow_with(), which keeps the error's type and the fields already set.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace tg {

struct ErrorContext {
  std::string scope{};
  std::optional<std::uint32_t> task_id{};
  std::string task{};       // label, "q_head_proj#3"
  int arg = -1;           // argument index, -1 when none
  std::string param{};      // parameter name, when the kernel names it
  std::string buffer{};
  std::string region{};     // "[0:16, 0:64]", buffer coordinates
  std::string file{};
  std::string json_path{};  // "tasks[3].args[1].box"
  std::string option{};     // CLI option, "--threads"

  // Fields of `more` fill the ones this context leaves empty.
  ErrorContext merged(const ErrorContext& more) const;
  // "file.json: tasks[3].args[1]: task 'x#3': arg 2 (b)" (empty when no field is set)
  std::string location() const;
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : Error(ErrorContext{}, message) {}
  Error(ErrorContext context, const std::string& detail);
  ~Error() override;

  const ErrorContext& context() const { return context_; }
  // The message without the location prefix.
  const std::string& detail() const { return detail_; }
  // Throws a copy of this error, of the same type, with `more` merged into its context.
  [[noreturn]] virtual void rethrow_with(const ErrorContext& more) const;

 protected:
  // For errors whose detail already names the place (lint diagnostics): what() is given.
  Error(ErrorContext context, std::string detail, const std::string& what_text)
      : std::runtime_error(what_text), context_(std::move(context)), detail_(std::move(detail)) {}

 private:
  ErrorContext context_;
  std::string detail_;
};

#define TG_ERROR_SUBTYPE(Name)                                                               \
  class Name : public Error {                                                               \
   public:                                                                                  \
    explicit Name(const std::string& message) : Error(message) {}                           \
    Name(ErrorContext context, const std::string& detail) : Error(std::move(context), detail) {} \
    /* fields for tools, and a message already written in full */                         \
    Name(ErrorContext context, const std::string& detail, const std::string& what_text)     \
        : Error(std::move(context), detail, what_text) {}                                   \
    [[noreturn]] void rethrow_with(const ErrorContext& more) const override {               \
      throw Name(context().merged(more), detail());                                         \
    }                                                                                       \
  }

// A view, slice or shape that does not fit its buffer, or dims that disagree.
TG_ERROR_SUBTYPE(ShapeError);
// Graph construction problems: cycles, unknown tasks, bad dependencies.
TG_ERROR_SUBTYPE(GraphError);
// Malformed configuration: machine presets, model configs, JSON scopes, CLI values.
TG_ERROR_SUBTYPE(ConfigError);
// Files that cannot be read or written, or hold something other than expected (.npy).
TG_ERROR_SUBTYPE(IoError);
// A task's working set over an on-chip buffer, or a staging ring too small.
TG_ERROR_SUBTYPE(CapacityError);
// Memory that is missing or wrong for a run: an unbound input, a tensor of the wrong shape.
TG_ERROR_SUBTYPE(BindingError);

// A run stopped before it finished: its deadline passed, or the executor's cancel() was
// called (RunOptions::timeout_seconds). The message names the tasks still running.
TG_ERROR_SUBTYPE(RunStoppedError);

#undef TG_ERROR_SUBTYPE

// A kernel threw while a graph ran; carries the task and block that failed.
class KernelError : public Error {
 public:
  KernelError(std::string task_label, int block_idx, const std::string& what);
  KernelError(ErrorContext context, int block_idx, const std::string& detail)
      : Error(std::move(context), detail), block_idx_(block_idx) {}
  const std::string& task_name() const { return context().task; }
  int block_idx() const { return block_idx_; }
  [[noreturn]] void rethrow_with(const ErrorContext& more) const override {
    throw KernelError(context().merged(more), block_idx_, detail());
  }

 private:
  int block_idx_;
};

}  // namespace tg
