#pragma once
// ModelRun: one model scope built into a Graph, the tensors of its runs (inputs, weights,
// caches and outputs, owned here and bound once), and what a runner needs around the
// execution: input generation from a seed or loading from a folder, the InOut caches'
// contents before the run, the golden check and the dump. Executors stay outside (models
// link tasks + kernels only): the caller hands one to run().
//
//   auto run = find_model("v32-decode-scope1").make(options);  // options.config = "small"
//   run->generate_inputs(seed);      // or run->load_inputs(dir)
//   run->validate_inputs();
//   tg::HostExecutor host{2};
//   run->run(host);                  // every run starts from the same caches
//   auto report = run->check();      // PrecisionReport, local + end to end per stage
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/common/input_checks.hpp"
#include "models/common/precision.hpp"
#include "models/common/tensor_map.hpp"
#include "models/common/tile_params.hpp"
#include "tasks/executor.hpp"
#include "tasks/bindings.hpp"
#include "tasks/graph.hpp"
#include "tasks/scope.hpp"

namespace tg::models {

// What every model understands; a model rejects values it does not know with ConfigError.
struct ModelOptions {
  std::string config = "full";  // "small" | "full"
  std::int64_t batch = 0;       // 0 = the config's own batch
  std::string plant_bug;        // "" = none; otherwise one of the model's ModelEntry::bugs
  std::string preset;           // "" = the model's default; V4: "flash" | "pro"
  std::string mode;             // "" = the model's default; V4 qkv_proj_rope: "decode" | "prefill" | "host-decode" | "host-prefill"
  // Lint::Off builds a graph with lint errors (a planted bug) instead of throwing LintError.
  Lint lint = Lint::On;
  // The --inputs folder the run will read, "" = generated inputs: a model whose input shapes
  // are free (V4 SWA's cache BLOCKS) sizes its graph from the .npy headers there.
  std::filesystem::path inputs_dir;
  // Tile parameters set by name (ModelEntry::tiles lists them), applied before the config's
  // validation; an unknown name or a value outside its form is a ConfigError.
  TileValues tiles;
};

// What a dump's manifest says about the run that wrote it (docs/cli.md, "--dump"); the tool
// version and the UTC time are added by dump().
struct DumpManifest {
  std::string model;
  std::string config;
  std::int64_t batch = 0;  // 0 = the config's own (not written)
  std::string preset;
  std::string mode;
  std::string plant_bug;
  std::optional<std::uint64_t> seed;  // the seed the inputs were generated from, if they were
  std::string inputs_from;            // the --inputs folder they were read from, if they were
  int tp_ranks = 0;                   // the ranks of a --tp run, gathered into this dump (0: one process, not written)
};

// The file that marks a folder as a tilegraph dump; a dump replaces only such a folder.
inline constexpr const char* kDumpManifestFile = "manifest.json";

class ModelRun {
 public:
  // Allocates (zeroed) and binds a tensor for every input, weight, InOut and output buffer.
  explicit ModelRun(Graph graph);
  virtual ~ModelRun() = default;
  ModelRun(const ModelRun&) = delete;
  ModelRun& operator=(const ModelRun&) = delete;

  const Graph& graph() const { return graph_; }
  Bindings& bindings() { return bindings_; }
  // Every tensor of the run by name: inputs, weights, caches and outputs; staging after run().
  const TensorMap& tensors() const { return tensors_; }
  const Tensor& tensor(std::string_view name) const { return tensors_.tensor(name); }

  // One line: model, config, dims, tasks and edges.
  virtual std::string summary() const = 0;
  // Fills every Input, Weight and InOut tensor deterministically from `seed`.
  virtual void generate_inputs(std::uint64_t seed) = 0;
  // Judges the inputs before a run (models/common/input_checks.hpp): a NaN or Inf in any
  // Input, Weight or InOut tensor (unless options.allow_nonfinite), a value outside one of
  // input_ranges(), or one check_input_rules() refuses, is a ConfigError naming the tensor
  // and the first such element.
  void validate_inputs(const InputCheckOptions& options = {}) const;
  // The ranges this model's integer inputs must hold (e.g. seq_lens in [1, MAX_SEQ]).
  virtual std::vector<InputRange> input_ranges() const { return {}; }
  // Rules a range cannot say, between inputs (V4 SWA: a cache row is held to the cache only
  // in a slot swa_lens makes valid); a ConfigError naming the element. After the ranges.
  virtual void check_input_rules() const {}
  // The golden check of the last run().
  virtual PrecisionReport check() const = 0;
  // Called once the Input / Weight / InOut tensors hold their data (by load_inputs, and by a
  // model's generate_inputs): a model whose host tiling packs weights packs them here, once,
  // not per run. Call it again after writing weights yourself.
  virtual void inputs_bound() {}
  // Wall ms of the last weight packing (0 for a model or tiling that packs nothing).
  virtual double packing_ms() const { return 0; }

  // Reads DIR/inputs/NAME.npy into every Input, Weight and InOut tensor (IoError naming a
  // missing or mismatching file), then inputs_bound().
  void load_inputs(const std::filesystem::path& dir);
  // Runs the graph on `executor` with its staging kept for check() and dump(). The first run
  // remembers the InOut caches; every later run starts from them again, so each run is
  // checked on its own results.
  // `timeout_seconds` > 0: the run's deadline (RunOptions::timeout_seconds; the host
  // executor honours it).
  RunResult run(Executor& executor, double timeout_seconds = 0);
  RunResult run(Executor&& executor) { return run(executor); }  // run->run(tg::HostExecutor{2})
  // Takes a run made elsewhere as this one's last run (a tensor-parallel run, its tensors
  // put together on rank 0): remembers the InOut caches as they are now (that run's
  // inputs), copies `results`' Output and InOut tensors into this run's and keeps its Staging
  // ones, so check() and dump() judge and write it. Error naming a tensor `results` lacks
  // or holds in another dtype or shape.
  void adopt_run(const TensorMap& results);
  // An InOut tensor's contents before the runs, widened to fp32.
  std::vector<float> before_run(const std::string& buffer_name) const;
  // Writes DIR/inputs/ (Input, Weight, InOut before the run), DIR/staging/ and DIR/outputs/
  // (Output, InOut after the run), one NAME.npy per tensor, and DIR/manifest.json. The folder
  // is written whole beside DIR and then replaces it (runtime/atomic_file.hpp), so a previous
  // dump is replaced whole and concurrent or interrupted runs never leave a mix; missing
  // parent folders are created. check_dump_target(dir, force) first.
  void dump(const std::filesystem::path& dir, const DumpManifest& manifest, bool force = false) const;
  void dump(const std::filesystem::path& dir) const { dump(dir, DumpManifest{}); }
  // Whether a dump may go to `dir`, checked before a run so it does not fail after it: a new
  // or empty folder, or a previous dump (it holds manifest.json); a non-empty folder without
  // a manifest only with `force` (it is then replaced whole). A file, or a path under a
  // file, is an IoError; a folder that is not a dump a ConfigError saying to add --force.
  static void check_dump_target(const std::filesystem::path& dir, bool force);

 private:
  void write_tensors(const std::filesystem::path& dir, const DumpManifest& manifest) const;

  Graph graph_;
  Bindings bindings_;
  TensorMap tensors_;
  std::map<std::string, Tensor> inout_before_;
};

}  // namespace tg::models
