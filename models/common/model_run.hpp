#pragma once
// ModelRun: one model scope built into a Graph whose buffers hold its tensors, plus what a
// runner needs around the execution: input generation from a seed or loading from a
// folder, the InOut caches' contents before the run, the golden check and the dump.
// Executors stay outside (models link tasks + kernels only): the caller runs graph().
//
//   auto run = find_model("v32-decode-scope1").make(options);  // options.config = "small"
//   run->generate_inputs(seed);      // or run->load_inputs(dir)
//   run->validate_inputs();
//   run->snapshot_inouts();
//   tg::HostExecutor{2}.run(run->graph());
//   auto report = run->check();      // PrecisionReport, local + end to end per stage
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "models/common/precision.hpp"
#include "tasks/graph.hpp"

namespace tg::models {

// What every model understands; a model rejects values it does not know with ConfigError.
struct ModelOptions {
  std::string config = "full";  // "small" | "full"
  std::int64_t batch = 0;       // 0 = the config's own batch
  std::string plant_bug;        // "" = none; otherwise one of the model's ModelEntry::bugs
  std::string preset;           // "" = the model's default; V4: "flash" | "pro"
  std::string mode;             // "" = the model's default; V4 qkv_proj_rope: "decode" | "prefill"
};

class ModelRun {
 public:
  explicit ModelRun(Graph graph) : graph_(std::move(graph)) {}
  virtual ~ModelRun() = default;
  ModelRun(const ModelRun&) = delete;
  ModelRun& operator=(const ModelRun&) = delete;

  Graph& graph() { return graph_; }
  const Graph& graph() const { return graph_; }

  // One line: model, config, dims, tasks and edges.
  virtual std::string summary() const = 0;
  // Fills every Input, Weight and InOut buffer deterministically from `seed`.
  virtual void generate_inputs(std::uint64_t seed) = 0;
  // Throws ConfigError when input data is outside what the scope accepts (e.g. seq_lens).
  virtual void validate_inputs() const {}
  // The golden check; call after the graph ran (and after snapshot_inouts() before it).
  virtual PrecisionReport check() const = 0;

  // Reads DIR/inputs/NAME.npy into every Input, Weight and InOut buffer (IoError naming a
  // missing or mismatching file).
  void load_inputs(const std::filesystem::path& dir);
  // Remembers the InOut buffers' contents; call right before running the graph.
  void snapshot_inouts();
  // Puts the snapshot back into the InOut buffers and zeroes every Staging and Output buffer,
  // so a second execution of the graph (another executor) is checked on its own results.
  void reset_for_rerun();
  // An InOut buffer's contents at snapshot time, widened to fp32.
  std::vector<float> before_run(const std::string& buffer_name) const;
  // Writes DIR/inputs/ (Input, Weight, InOut as snapshot), DIR/staging/ and DIR/outputs/
  // (Output, InOut after the run), one NAME.npy per tensor. Creates the folders.
  void dump(const std::filesystem::path& dir) const;

 private:
  Graph graph_;
  std::map<std::string, std::vector<std::byte>> inout_before_;
};

}  // namespace tg::models
