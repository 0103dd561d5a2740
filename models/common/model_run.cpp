#include "models/common/model_run.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>

#include "models/common/inputs.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/error.hpp"
#include "runtime/npy.hpp"

namespace tg::models {
namespace {

bool is_input_like(Role role) { return role == Role::Input || role == Role::Weight || role == Role::InOut; }

#ifndef TG_VERSION
#define TG_VERSION "unknown"
#endif

// The error names the folder and the option in its fields; the text already says both.
template <typename E>
E dump_error(const std::filesystem::path& dir, const std::string& text) {
  return E(ErrorContext{.file = dir.string(), .option = "--dump"}, text, text);
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void write_manifest(const std::filesystem::path& file, const DumpManifest& m) {
  nlohmann::json j{{"format", "tilegraph-dump"}, {"tilegraph_version", TG_VERSION}, {"model", m.model},
                   {"config", m.config},         {"utc_time", utc_now()}};
  if (m.batch != 0) j["batch"] = m.batch;  // 0: the config's own batch
  if (!m.preset.empty()) j["preset"] = m.preset;
  if (!m.mode.empty()) j["mode"] = m.mode;
  if (!m.plant_bug.empty()) j["plant_bug"] = m.plant_bug;
  if (m.seed) j["seed"] = *m.seed;
  if (!m.inputs_from.empty()) j["inputs_from"] = m.inputs_from;
  if (m.tp_ranks > 0) j["tp_ranks"] = m.tp_ranks;
  std::ofstream out(file);
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  out.close();
  if (!out) throw IoError("cannot write '" + file.string() + "' (disk full?)");
}

}  // namespace

void ModelRun::check_dump_target(const std::filesystem::path& dir, bool force) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_directory(status))
      throw dump_error<IoError>(dir, "--dump '" + dir.string() + "' is a file; expected a folder (new, empty, or an earlier dump)");
    if (std::filesystem::exists(dir / kDumpManifestFile, ec) || force) return;
    if (std::filesystem::directory_iterator(dir, ec) != std::filesystem::directory_iterator())
      throw dump_error<ConfigError>(dir, "--dump '" + dir.string() + "' is a non-empty folder that is not a tilegraph dump (no " +
                            kDumpManifestFile + "); name a new or empty folder, or add --force to replace it whole");
    return;
  }
  // A new folder: the nearest existing ancestor must be a folder (not /etc/passwd/x).
  for (auto up = dir.parent_path(); !up.empty(); up = up.parent_path()) {
    if (std::filesystem::exists(up, ec)) {
      if (!std::filesystem::is_directory(up, ec))
        throw dump_error<IoError>(dir,   "--dump '" + dir.string() + "': '" + up.string() + "' is a file, so no folder can be made under it");
      return;
    }
    if (up == up.parent_path()) return;
  }
}

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

void ModelRun::validate_inputs(const InputCheckOptions& options) const {
  if (!options.allow_nonfinite)
    for (const auto& buffer : graph_.buffers())
      if (is_input_like(buffer->role())) check_finite(tensor(buffer->name()));
  for (const auto& range : input_ranges()) check_range(tensor(range.tensor), range);
  check_input_rules();
}

RunResult ModelRun::run(Executor& executor, double timeout_seconds) {
  if (inout_before_.empty()) {
    for (const auto& buffer : graph_.buffers())
      if (buffer->role() == Role::InOut) inout_before_.emplace(buffer->name(), tensor(buffer->name()).clone());
  } else {
    for (const auto& [name, before] : inout_before_) std::memcpy(tensor(name).data(), before.data(), before.bytes());
  }
  RunResult result = executor.run(graph_, bindings_, RunOptions{.staging_fill = StagingFill::Zero, .keep_staging = true, .timeout_seconds = timeout_seconds});
  for (const auto& buffer : graph_.buffers())
    if (buffer->role() == Role::Staging) tensors_.put(result.staging(buffer->name()));
  return result;
}

void ModelRun::adopt_run(const TensorMap& results) {
  auto result_of = [&](const Buffer& buffer) -> const Tensor& {
    const Tensor& t = results.tensor(buffer.name());
    if (t.dtype() != buffer.dtype() || t.shape() != buffer.shape())
      throw Error(ErrorContext{.buffer = buffer.name()},
                  fmt::format("model run: the adopted '{}' is {} {}, this run's is {} {}", buffer.name(), name_of(t.dtype()),
                              to_string(t.shape()), name_of(buffer.dtype()), to_string(buffer.shape())));
    return t;
  };
  if (inout_before_.empty())
    for (const auto& buffer : graph_.buffers())
      if (buffer->role() == Role::InOut) inout_before_.emplace(buffer->name(), tensor(buffer->name()).clone());
  for (const auto& buffer : graph_.buffers()) {
    if (buffer->role() == Role::Staging) tensors_.put(result_of(*buffer).clone(buffer->name()));
    if (buffer->role() == Role::Output || buffer->role() == Role::InOut) {
      const Tensor& t = result_of(*buffer);
      std::memcpy(tensor(buffer->name()).data(), t.data(), t.bytes());
    }
  }
}

std::vector<float> ModelRun::before_run(const std::string& buffer_name) const {
  const auto it = inout_before_.find(buffer_name);
  if (it == inout_before_.end())
    throw Error("model run: no snapshot of InOut tensor '" + buffer_name + "'; call check() after run()");
  return to_floats(it->second);
}

void ModelRun::dump(const std::filesystem::path& target, const DumpManifest& manifest, bool force) const {
  check_dump_target(target, force);
  const auto parent = (target.filename().empty() ? target.parent_path() : target).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) throw dump_error<IoError>(target, "--dump '" + target.string() + "': cannot create folder '" + parent.string() + "': " + ec.message());
  replace_folder_atomically(target, [&](const std::filesystem::path& dir) { write_tensors(dir, manifest); });
}

void ModelRun::write_tensors(const std::filesystem::path& dir, const DumpManifest& manifest) const {
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
  write_manifest(dir / kDumpManifestFile, manifest);
}

}  // namespace tg::models
