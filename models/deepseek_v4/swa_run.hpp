#pragma once
// SWA sparse attention as a runnable model ("v4-swa-attention" for `tilegraph run`): the graph,
// the spec's demo inputs (holes, masked tails, stale rows past swa_lens), and the check of
// the staging tensors o, o_r, o_r_i8, o_r_scale_dq and attn_out stage by stage.
#include <memory>

#include "models/common/registry.hpp"
#include "models/deepseek_v4/config.hpp"
#include "models/deepseek_v4/swa_attention.hpp"

namespace tg::models::deepseek_v4 {

inline constexpr const char* kSwaModelName = "v4-swa-attention";

class SwaAttentionRun : public ModelRun {
 public:
  explicit SwaAttentionRun(const Config& cfg, SwaBug bug = SwaBug::none, Lint lint = Lint::On);
  // preset flash | pro, config small | full, batch = requests B (S = 2 decode tokens each),
  // mode decode (the reference tiling) | host (also: host-decode; the host tiling).
  // `window` overrides WIN (a multiple of ATTN_K_TILE; 256 runs the online merge) when > 0.
  // ori_kv's BLOCKS: `cache_blocks` when > 0, else the first dim of
  // options.inputs_dir/inputs/ori_kv.npy when there is one, else the demo's count.
  static std::unique_ptr<SwaAttentionRun> make(const ModelOptions& options, std::int64_t window = 0,
                                               std::int64_t cache_blocks = 0);
  // The config make() runs (options.tiles applied, validated) and the graph it builds.
  static Config config_of(const ModelOptions& options, std::int64_t window = 0, std::int64_t cache_blocks = 0);
  static Graph graph_of(const ModelOptions& options);

  const Config& config() const { return cfg_; }
  std::string summary() const override;
  void generate_inputs(std::uint64_t seed) override;  // then inputs_bound()
  // Host tiling: packs o_proj_a's and o_proj_b's weight tiles (WeightPacks) from the bound weights.
  void inputs_bound() override;
  double packing_ms() const override { return packs_->pack_ms(); }
  // swa_lens in [0, WIN]; ConfigError naming the entry.
  std::vector<InputRange> input_ranges() const override;
  // swa_indices in [-1, BLOCKS·128) in every valid slot (j < swa_lens[t]); ConfigError naming
  // token and slot. Entries past a token's prefix are never read, so never judged.
  void check_input_rules() const override;
  // Stages swa_attention (o from the inputs, bf16 rule; the untiled fp32 softmax golden
  // beside it for information), o_proj_a (o_r from the run's o), o_r_quant (codes and
  // scales from the run's o_r), o_proj_b (attn_out from the run's codes and scales).
  PrecisionReport check() const override;

 private:
  SwaAttentionRun(const Config& cfg, SwaBug bug, Lint lint, std::shared_ptr<WeightPacks> packs);
  Config cfg_;
  std::shared_ptr<WeightPacks> packs_;  // empty for the reference tiling
};

}  // namespace tg::models::deepseek_v4
