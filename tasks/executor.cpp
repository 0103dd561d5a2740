#include "tasks/executor.hpp"

namespace tg {

namespace {

const Tensor& find_tensor(const std::vector<Tensor>& tensors, std::string_view name, const char* what,
                          const char* hint) {
  for (const auto& t : tensors)
    if (t.name() == name) return t;
  throw BindingError(ErrorContext{.buffer = std::string(name)},
                     "the run result holds no " + std::string(what) + " named '" + std::string(name) + "'" + hint);
}

}  // namespace

const Tensor& RunResult::output(std::string_view name) const {
  return find_tensor(outputs_, name, "output or InOut tensor", " (outputs are there when the run had Bindings)");
}

const Tensor& RunResult::staging(std::string_view name) const {
  return find_tensor(staging_, name, "staging tensor",
                     staging_.empty() ? "; run with RunOptions{.keep_staging = true} to keep them" : "");
}

}  // namespace tg
