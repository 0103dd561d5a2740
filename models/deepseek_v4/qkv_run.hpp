#pragma once
// qkv_proj_rope as a runnable model ("v4-qkv-proj-rope" for `tilegraph run`): the graph with
// its tensors, the spec's demo inputs, and the stage-by-stage golden check.
#include <memory>

#include "models/common/registry.hpp"
#include "models/deepseek_v4/config.hpp"
#include "models/deepseek_v4/qkv_proj_rope.hpp"

namespace tg::models::deepseek_v4 {

inline constexpr const char* kQkvModelName = "v4-qkv-proj-rope";

struct QStages;  // qkv_golden.hpp (not installed)

class QkvProjRopeRun : public ModelRun {
 public:
  QkvProjRopeRun(const Config& cfg, QkvBug bug, Lint lint = Lint::On);
  // preset flash | pro (default flash), mode decode | prefill (default decode) or
  // host-decode (also: host) | host-prefill (the host tiling), config small | full,
  // batch = requests B (T = B·S), plant_bug one of parse_qkv_bug's names.
  static std::unique_ptr<QkvProjRopeRun> make(const ModelOptions& options);
  // The config make() runs (options.tiles applied, validated) and the graph it builds.
  static Config config_of(const ModelOptions& options);
  static Graph graph_of(const ModelOptions& options);

  const Config& config() const { return cfg_; }
  std::string summary() const override;
  void generate_inputs(std::uint64_t seed) override;
  // Stages qr_rms_norm_quant (qr, qr_scale from the inputs), qproj_matmul_dequant (q_full
  // from the run's qr), q_head_norm+q_rope (q from the run's qr and qr_scale, bf16 rule),
  // kv_rms_norm_rope (kv, bf16 rule); end to end from the scope inputs beside each.
  // At the host tiling q_acc, q_full and q_pe_normed stay in the blocks' scratch: stage
  // qproj+q_head_norm+q_rope judges q against the golden from the run's qr instead.
  PrecisionReport check() const override;
  // Host tiling: packs the projection weight tiles (once, here, not per run).
  void inputs_bound() override;
  double packing_ms() const override { return packs_->pack_ms(); }

 private:
  QkvProjRopeRun(const Config& cfg, QkvBug bug, Lint lint, std::shared_ptr<WeightPacks> packs);
  // The reference tiling's stages qproj, q_head_norm and q_rope, on its staging tensors.
  void q_stages_checks(PrecisionReport& report, const QStages& local_q, const QStages& e2e_q) const;

  Config cfg_;
  QkvBug bug_;
  std::shared_ptr<WeightPacks> packs_;
};

// "decode" | "prefill" | "host" | "host-decode" | "host-prefill" into cfg's mode and tiling;
// ConfigError naming the model otherwise.
void apply_qkv_mode(std::string_view mode, Mode& run_mode, Tiling& tiling);

}  // namespace tg::models::deepseek_v4
