#pragma once
// qkv_proj_rope as a runnable model ("v4-qkv-proj-rope" for `tilegraph run`): the graph with
// its tensors, the spec's demo inputs, and the stage-by-stage golden check.
#include <memory>

#include "models/common/registry.hpp"
#include "models/deepseek_v4/config.hpp"
#include "models/deepseek_v4/qkv_proj_rope.hpp"

namespace tg::models::deepseek_v4 {

inline constexpr const char* kQkvModelName = "v4-qkv-proj-rope";

class QkvProjRopeRun : public ModelRun {
 public:
  QkvProjRopeRun(const Config& cfg, QkvBug bug, Lint lint = Lint::On);
  // preset flash | pro (default flash), mode decode | prefill (default decode), config
  // small | full, batch = requests B (T = B·S), plant_bug one of parse_qkv_bug's names.
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
  PrecisionReport check() const override;

 private:
  Config cfg_;
  QkvBug bug_;
};

}  // namespace tg::models::deepseek_v4
