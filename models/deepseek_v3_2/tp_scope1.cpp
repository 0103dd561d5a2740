#include "models/deepseek_v3_2/tp_scope1.hpp"

#include <fmt/format.h>

#include "models/deepseek_v3_2/scope1.hpp"
#include "models/deepseek_v3_2/scope1_run.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v3_2 {
namespace {

// Every tensor of the single-rank scope: wq_b and the per-head staging are cut along their
// columns (a head's QK_HEAD_DIM columns are contiguous); everything else is replicated.
std::vector<TpPlacement> placements(const Scope1Config& c) {
  std::vector<TpPlacement> list;
  for (const char* name : {"hidden_states", "input_rms_weight", "q_norm_weight", "kv_norm_weight", "wq_a", "wkv_a",
                           "seq_lens", "rope_cos", "rope_sin", "kv_cache", "pe_cache", "q_nope_out", "q_pe_out", "qr_out",
                           "normed_states", "qr_fp32", "kv_a_fp32", "kv_a_out", "kv_normed"})
    list.push_back({name});
  for (const char* name : {"wq_b", "q_proj_fp32", "q_proj"}) list.push_back({name, 1});
  if (!c.fuse_per_batch_tail) list.push_back({"q_roped", 1});
  return list;
}

}  // namespace

Scope1Config tp_rank_config(const Scope1Config& config, int ranks) {
  if (ranks < 1 || config.num_heads % ranks != 0)
    throw ConfigError(ErrorContext{.option = "--tp"},
                      fmt::format("{} --tp {}: the q heads are split across the ranks, and {} does not divide NUM_HEADS = {} "
                                  "({} config); use --tp {}",
                                  kScope1ModelName, ranks, ranks, config.num_heads, config.name, even_rank_counts(config.num_heads)));
  Scope1Config local = config;
  local.num_heads = config.num_heads / ranks;
  try {
    local.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(ErrorContext{.option = "--tp"},
                      fmt::format("{} --tp {}: a rank's {} heads do not fit the config's tiles: {}", kScope1ModelName, ranks,
                                  local.num_heads, e.what()));
  }
  return local;
}

TpRankGraph build_tp_scope1_rank(const Scope1Config& config, int rank, int ranks, TpCollectives& collectives,
                                 std::shared_ptr<WeightPacks> packs) {
  const Scope1Config local = tp_rank_config(config, ranks);
  if (rank < 0 || rank >= ranks)
    throw ConfigError(fmt::format("{} --tp {}: rank {} is not one of 0..{}", kScope1ModelName, ranks, rank, ranks - 1));
  const std::int64_t b = config.batch;
  Scope s{fmt::format("v32_decode_scope1_rank{}of{}", rank, ranks)};
  Scope1Tensors t = Scope1Tensors::declare_inputs(s, local);
  // This rank's heads of q_nope / q_pe, gathered into the outputs below.
  t.q_nope_out = s.staging("q_nope_local", {b, local.num_heads * local.qk_nope_head_dim}, BF16);
  t.q_pe_out = s.staging("q_pe_local", {b, local.num_heads * local.qk_rope_head_dim}, BF16);
  t.qr_out = s.output("qr_out", {b, local.q_lora_rank}, BF16);
  const View q_nope_out = s.output("q_nope_out", {b, config.num_heads * config.qk_nope_head_dim}, BF16);
  const View q_pe_out = s.output("q_pe_out", {b, config.num_heads * config.qk_rope_head_dim}, BF16);
  build_scope1(s, local, t, Scope1Bug::none, std::move(packs));
  for (std::int64_t row = 0; row < b; ++row) {
    collectives.all_gather(s, t.q_nope_out.rows(row, 1), q_nope_out.rows(row, 1), "q_nope_all_gather");
    collectives.all_gather(s, t.q_pe_out.rows(row, 1), q_pe_out.rows(row, 1), "q_pe_all_gather");
  }
  return {s.finalize(), placements(config)};
}

TpModelEntry tp_scope1_entry() {
  auto config_of = [](const ModelRun& full) -> const Scope1Config& {
    const auto* run = dynamic_cast<const Scope1Run*>(&full);
    if (!run) throw Error(std::string(kScope1ModelName) + " --tp: the single-rank run is not a " + kScope1ModelName + " run");
    return run->config();
  };
  return TpModelEntry{
      kScope1ModelName, "the q heads (NUM_HEADS)",
      [config_of](const ModelRun& full, int ranks) { tp_rank_config(config_of(full), ranks); },
      [config_of](const ModelRun& full, int rank, int ranks, TpCollectives& collectives) {
        const Scope1Config& config = config_of(full);
        auto packs = std::make_shared<WeightPacks>();
        auto built = build_tp_scope1_rank(config, rank, ranks, collectives, config.host_tiling() ? packs : nullptr);
        return std::make_unique<TpRankRun>(std::move(built.graph), kScope1ModelName, rank, ranks, std::move(built.placements),
                                           std::move(packs));
      }};
}

}  // namespace tg::models::deepseek_v3_2
