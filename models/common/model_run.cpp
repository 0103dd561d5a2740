#include "models/common/model_run.hpp"

#include <cstring>

#include "models/common/inputs.hpp"
#include "runtime/error.hpp"
#include "runtime/npy.hpp"

namespace tg::models {
namespace {

bool is_input_like(Role role) { return role == Role::Input || role == Role::Weight || role == Role::InOut; }

}  // namespace

ModelRun::ModelRun(Graph graph) : graph_(std::move(graph)), bindings_(graph_) {
  for (const auto& buffer : graph_.buffers()) {
    if (buffer->role() == Role::Staging) continue;
    Tensor t(buffer->name(), buffer->dtype(), buffer->shape());
    bindings_.bind(buffer->name(), t);
    tensors_.put(std::move(t));
  }
}

void ModelRun::load_inputs(const std::filesystem::path& dir) {
  const auto folder = dir / "inputs";
  if (!std::filesystem::is_directory(folder))
    throw IoError("--inputs '" + dir.string() + "': no folder '" + folder.string() +
                  "' (expected the layout a --dump run writes: inputs/NAME.npy per input tensor)");
  for (const auto& buffer : graph_.buffers())
    if (is_input_like(buffer->role())) read_npy_into(folder / (buffer->name() + ".npy"), tensor(buffer->name()));
  inputs_bound();
}

RunResult ModelRun::run(Executor& executor) {
  if (inout_before_.empty()) {
    for (const auto& buffer : graph_.buffers())
      if (buffer->role() == Role::InOut) inout_before_.emplace(buffer->name(), tensor(buffer->name()).clone());
  } else {
    for (const auto& [name, before] : inout_before_) std::memcpy(tensor(name).data(), before.data(), before.bytes());
  }
  RunResult result = executor.run(graph_, bindings_, RunOptions{.staging_fill = StagingFill::Zero, .keep_staging = true});
  for (const auto& buffer : graph_.buffers())
    if (buffer->role() == Role::Staging) tensors_.put(result.staging(buffer->name()));
  return result;
}

std::vector<float> ModelRun::before_run(const std::string& buffer_name) const {
  const auto it = inout_before_.find(buffer_name);
  if (it == inout_before_.end())
    throw Error("model run: no snapshot of InOut tensor '" + buffer_name + "'; call check() after run()");
  return to_floats(it->second);
}

void ModelRun::dump(const std::filesystem::path& dir) const {
  for (const char* sub : {"inputs", "staging", "outputs"}) std::filesystem::create_directories(dir / sub);
  for (const auto& buffer : graph_.buffers()) {
    const auto file = buffer->name() + ".npy";
    const Tensor& t = tensor(buffer->name());
    switch (buffer->role()) {
      case Role::Input:
      case Role::Weight: write_npy(dir / "inputs" / file, t); break;
      case Role::Staging: write_npy(dir / "staging" / file, t); break;
      case Role::Output: write_npy(dir / "outputs" / file, t); break;
      case Role::InOut: {
        const auto it = inout_before_.find(buffer->name());
        write_npy(dir / "inputs" / file, it != inout_before_.end() ? it->second : t);
        write_npy(dir / "outputs" / file, t);
        break;
      }
    }
  }
}

}  // namespace tg::models
