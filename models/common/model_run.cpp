#include "models/common/model_run.hpp"

#include <cstring>

#include "models/common/inputs.hpp"
#include "runtime/error.hpp"
#include "runtime/npy.hpp"

namespace tg::models {
namespace {

bool is_input_like(Role role) { return role == Role::Input || role == Role::Weight || role == Role::InOut; }

}  // namespace

void ModelRun::load_inputs(const std::filesystem::path& dir) {
  const auto folder = dir / "inputs";
  if (!std::filesystem::is_directory(folder))
    throw IoError("--inputs '" + dir.string() + "': no folder '" + folder.string() +
                  "' (expected the layout a --dump run writes: inputs/NAME.npy per input tensor)");
  for (const auto& buffer : graph_.buffers())
    if (is_input_like(buffer->role())) read_npy_into(folder / (buffer->name() + ".npy"), *buffer);
}

void ModelRun::snapshot_inouts() {
  inout_before_.clear();
  for (const auto& buffer : graph_.buffers())
    if (buffer->role() == Role::InOut) {
      const auto* p = buffer->data();
      inout_before_[buffer->name()] = std::vector<std::byte>(p, p + buffer->bytes());
    }
}

void ModelRun::reset_for_rerun() {
  for (const auto& [name, bytes] : inout_before_) std::memcpy(graph_.buffer(name).data(), bytes.data(), bytes.size());
  for (const auto& buffer : graph_.buffers())
    if (buffer->role() == Role::Staging || buffer->role() == Role::Output) buffer->fill_zero();
}

std::vector<float> ModelRun::before_run(const std::string& buffer_name) const {
  const auto it = inout_before_.find(buffer_name);
  if (it == inout_before_.end())
    throw Error("model run: no snapshot of InOut buffer '" + buffer_name + "'; call snapshot_inouts() before running the graph");
  const auto& original = graph_.buffer(buffer_name);
  Buffer copy(original.name(), original.dtype(), original.shape(), Role::InOut);
  std::memcpy(copy.data(), it->second.data(), it->second.size());
  return to_floats(copy);
}

void ModelRun::dump(const std::filesystem::path& dir) const {
  for (const char* sub : {"inputs", "staging", "outputs"}) std::filesystem::create_directories(dir / sub);
  for (const auto& buffer : graph_.buffers()) {
    const auto file = buffer->name() + ".npy";
    switch (buffer->role()) {
      case Role::Input:
      case Role::Weight: write_npy(dir / "inputs" / file, *buffer); break;
      case Role::Staging: write_npy(dir / "staging" / file, *buffer); break;
      case Role::Output: write_npy(dir / "outputs" / file, *buffer); break;
      case Role::InOut: {
        const auto it = inout_before_.find(buffer->name());
        if (it != inout_before_.end()) write_npy(dir / "inputs" / file, buffer->dtype(), buffer->shape(), it->second.data());
        write_npy(dir / "outputs" / file, *buffer);
        break;
      }
    }
  }
}

}  // namespace tg::models
