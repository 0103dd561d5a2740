#pragma once
// DeepSeek V3.2 decode scope 1 as a runnable model: the graph with its tensors, the demo
// inputs of the spec, and the stage-by-stage golden check. Registered as
// "v32-decode-scope1" for `tilegraph run`.
#include <memory>

#include "models/common/registry.hpp"
#include "models/deepseek_v3_2/config.hpp"
#include "models/deepseek_v3_2/scope1.hpp"

namespace tg::models::deepseek_v3_2 {

inline constexpr const char* kScope1ModelName = "v32-decode-scope1";

class Scope1Run : public ModelRun {
 public:
  Scope1Run(const Scope1Config& config, Scope1Bug bug, Lint lint = Lint::On);
  // From the generic options: config "small" | "full", batch override, mode "staged" |
  // "fused" (fuse_per_batch_tail) | "host" | "host-fused" (the host tiling, with packed
  // weights), plant_bug one of kScope1Bugs. Throws ConfigError on anything else.
  static std::unique_ptr<Scope1Run> make(const ModelOptions& options);
  // The config make() runs (options.tiles applied, validated) and the graph it builds.
  static Scope1Config config_of(const ModelOptions& options);
  static Graph graph_of(const ModelOptions& options);

  const Scope1Config& config() const { return config_; }
  std::string summary() const override;
  // hidden_states in [-1, 1]; wq_a, wq_b, wkv_a in [-0.1, 0.1]; norm weights in [-1, 1];
  // seq_lens in [1, MAX_SEQ]; caches in [-1, 1]; cos / sin of the real RoPE frequencies.
  void generate_inputs(std::uint64_t seed) override;
  // seq_lens each in [1, MAX_SEQ], else ConfigError naming the entry.
  std::vector<InputRange> input_ranges() const override;
  PrecisionReport check() const override;
  // Host tiling: packs every cube task's weight tile (WeightPacks) from the bound weights.
  void inputs_bound() override;
  double packing_ms() const override { return packs_->pack_ms(); }
  const WeightPacks& weight_packs() const { return *packs_; }

 private:
  Scope1Run(const Scope1Config& config, Scope1Bug bug, Lint lint, std::shared_ptr<WeightPacks> packs);
  Scope1Config config_;
  std::shared_ptr<WeightPacks> packs_;  // empty for the reference tiling
};

// Adds "v32-decode-scope1" to the model registry.
void register_models(std::vector<ModelEntry>& registry);

}  // namespace tg::models::deepseek_v3_2
