// The V4 scopes in the model registry of `tilegraph run`.
#include "models/common/registry.hpp"
#include "models/deepseek_v4/qkv_run.hpp"
#include "models/deepseek_v4/swa_run.hpp"
#include "models/deepseek_v4/tile_params.hpp"

namespace tg::models::deepseek_v4 {

void register_models(std::vector<ModelEntry>& registry) {
  registry.push_back(ModelEntry{
      kQkvModelName,
      "DeepSeek V4 qkv_proj_rope (W8A8C16), --mode decode|prefill|host-decode|host-prefill, --preset flash|pro (spec: "
      "docs/models/v4_qkv_proj_rope.md)",
      {"full", "small"},
      planted_bug_names<QkvBug>(kQkvBugs),
      [](const ModelOptions& options) -> std::unique_ptr<ModelRun> { return QkvProjRopeRun::make(options); },
      [](const ModelOptions& options) { return qkv_tile_table().list(QkvProjRopeRun::config_of(options).tiles); },
      [](const ModelOptions& options) { return QkvProjRopeRun::graph_of(options); },
      {"decode", "prefill", "host-decode", "host-prefill", "host"}});
  registry.push_back(ModelEntry{
      kSwaModelName,
      "DeepSeek V4 SWA sparse attention + grouped o_proj (decode), --mode decode|host, --preset flash|pro, any cache BLOCKS "
      "with --inputs (spec: docs/models/v4_swa_attention.md)",
      {"full", "small"},
      planted_bug_names<SwaBug>(kSwaBugs),
      [](const ModelOptions& options) -> std::unique_ptr<ModelRun> { return SwaAttentionRun::make(options); },
      [](const ModelOptions& options) { return swa_tile_table().list(SwaAttentionRun::config_of(options).tiles); },
      [](const ModelOptions& options) { return SwaAttentionRun::graph_of(options); },
      {"decode", "host", "host-decode"}});
}

}  // namespace tg::models::deepseek_v4
