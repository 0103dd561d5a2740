#include "runtime/error.hpp"

namespace tg {

ErrorContext ErrorContext::merged(const ErrorContext& more) const {
  ErrorContext r = *this;
  auto fill = [](std::string& field, const std::string& value) {
    if (field.empty()) field = value;
  };
  fill(r.scope, more.scope);
  if (!r.task_id) r.task_id = more.task_id;
  fill(r.task, more.task);
  if (r.arg < 0) r.arg = more.arg;
  fill(r.param, more.param);
  fill(r.buffer, more.buffer);
  fill(r.region, more.region);
  fill(r.file, more.file);
  fill(r.json_path, more.json_path);
  fill(r.option, more.option);
  return r;
}

std::string ErrorContext::location() const {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    if (!out.empty()) out += ": ";
    out += part;
  };
  std::string where = file;
  if (!json_path.empty()) where += (where.empty() ? "" : ": ") + json_path;
  add(where);
  if (!option.empty()) add("option " + option);
  // The task says which scope in the message when both are known; the scope alone otherwise.
  if (!task.empty())
    add("task '" + task + "'");
  else if (!scope.empty())
    add("scope '" + scope + "'");
  if (arg >= 0)
    add("arg " + std::to_string(arg) + (param.empty() ? "" : " (" + param + ")"));
  else if (!param.empty())
    add("parameter '" + param + "'");
  return out;
}

namespace {

std::string compose(const ErrorContext& context, const std::string& detail) {
  const std::string where = context.location();
  return where.empty() ? detail : where + ": " + detail;
}

}  // namespace

Error::Error(ErrorContext context, const std::string& detail)
    : std::runtime_error(compose(context, detail)), context_(std::move(context)), detail_(detail) {}

Error::~Error() = default;

void Error::rethrow_with(const ErrorContext& more) const { throw Error(context_.merged(more), detail_); }

KernelError::KernelError(std::string task_label, int block_idx, const std::string& what)
    : Error(ErrorContext{.task = std::move(task_label)}, "block " + std::to_string(block_idx) + " failed: " + what),
      block_idx_(block_idx) {}

}  // namespace tg
