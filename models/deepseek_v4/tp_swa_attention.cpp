#include "models/deepseek_v4/tp_swa_attention.hpp"

#include <fmt/format.h>

#include <numeric>

#include "kernels/descriptors/descriptors.hpp"
#include "kernels/kernels.hpp"
#include "models/deepseek_v4/demo_inputs.hpp"
#include "models/deepseek_v4/scratch.hpp"
#include "models/deepseek_v4/swa_attention.hpp"
#include "models/deepseek_v4/swa_run.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v4 {
namespace {

using std::int64_t;
using tile::cols;
using tile::rows;

// The single-rank scope's tensors: per head (dim 1 of [T, H, ·], dim 0 of attn_sink), per
// group (wo_a's dim 0, wo_b's columns, dim 1 of the o_r tensors), or replicated.
std::vector<TpPlacement> placements() {
  std::vector<TpPlacement> list;
  for (const char* name : {"ori_kv", "swa_indices", "swa_lens", "freqs_cos", "freqs_sin", "wo_b_scale", "attn_out", "kv_window"})
    list.push_back({name});
  for (const char* name : {"q", "wo_b", "o", "o_r", "o_r_i8", "o_r_scale_dq"}) list.push_back({name, 1});
  for (const char* name : {"attn_sink", "wo_a"}) list.push_back({name, 0});
  return list;
}

}  // namespace

Config tp_rank_config(const Config& cfg, int ranks) {
  const int64_t groups = cfg.dims.o_groups;
  if (ranks < 1 || groups % ranks != 0)
    throw ConfigError(ErrorContext{.option = "--tp"},
                      fmt::format("{} --tp {}: the grouped o_proj is split by groups, and {} does not divide O_GROUPS = {} "
                                  "({}); use --tp {}",
                                  kSwaModelName, ranks, ranks, groups, cfg.describe(), even_rank_counts(groups)));
  Config local = cfg;
  local.dims.o_groups = groups / ranks;
  local.dims.heads = cfg.dims.heads / ranks;
  local.cache_blocks = swa_cache_blocks(cfg);  // the same paged cache on every rank
  // Head tiles only set how many heads a block takes; a rank's share may be fewer.
  local.tiles.attn_heads = std::gcd(cfg.tiles.attn_heads, local.dims.heads);
  local.tiles.q_rope_heads = std::gcd(cfg.tiles.q_rope_heads, local.dims.heads);
  local.tiles.qproj_n = std::gcd(cfg.tiles.qproj_n, local.dims.q_width());
  local.validate();
  return local;
}

TypedKernel<PartialOutProjParams> o_proj_b_partial_kernel() {
  using V = PartialOutProjParams<BlockView>;
  return {"o_proj_b_partial", TaskKind::Mix, {{"o_r_i8", {INT8}}, {"o_r_scale_dq", {FP32}}, {"wo_b", {INT8}}, {"partial", {FP32}}},
          [](const V& v, const TaskContext&) {
            const int64_t T = v.o_r_i8.size(0), G = v.o_r_i8.size(1), OL = v.o_r_i8.size(2), dt = v.wo_b.size(0);
            const View a = v.o_r_i8.view().reshape({T, G * OL});
            Scratch group_acc("partial_g", INT32, {T, dt});
            for (int64_t g = 0; g < G; ++g) {
              kernels::matmul(a.cols(g * OL, OL), v.wo_b.view().cols(g * OL, OL), group_acc.view(),
                              {.b_layout = kernels::BLayout::transposed});
              kernels::dequantize_int32(group_acc.view(), v.o_r_scale_dq.view().cols(g, 1), View{}, v.partial.view(), g > 0);
            }
          },
          [](const V& v) {
            const int64_t T = v.o_r_i8.size(0), G = v.o_r_i8.size(1);
            const View a = v.o_r_i8.view().reshape({T, G * v.o_r_i8.size(2)});
            CostHint hint = kernels::descriptors::matmul_cost(a, v.wo_b.view(), v.partial.view(), false);
            const auto outputs = static_cast<double>(v.partial.view().numel());
            hint.flops += 3.0 * outputs * static_cast<double>(G);  // dequant and sum per group
            hint.bytes += static_cast<double>(v.o_r_scale_dq.bytes());
            hint.working_set_bytes += static_cast<std::uint64_t>(outputs) * 4;  // the int32 group accumulator
            return hint;
          }};
}

TpRankGraph build_tp_swa_rank(const Config& cfg, int rank, int ranks, TpCollectives& collectives) {
  const Config local = tp_rank_config(cfg, ranks);
  if (rank < 0 || rank >= ranks)
    throw ConfigError(fmt::format("{} --tp {}: rank {} is not one of 0..{}", kSwaModelName, ranks, rank, ranks - 1));
  const int64_t T = cfg.tokens(), D = cfg.dims.hidden, dt = cfg.tiles.out_d_tile;
  Scope s{fmt::format("v4_swa_attention_rank{}of{}", rank, ranks)};
  const SwaTensors t = SwaTensors::declare(s, local);
  const SwaStaging st = build_swa_attention_heads(s, local, t);
  const View partial = s.staging("attn_out_partial", {T, D}, FP32);
  const View sum = s.staging("attn_out_sum", {T, D}, FP32);
  s.mix("o_proj_b_partial", o_proj_b_partial_kernel(),
        {.o_r_i8 = In(st.o_r_i8), .o_r_scale_dq = In(st.o_r_scale_dq), .wo_b = In(t.wo_b).tiled(rows(dt)),
         .partial = Out(partial).tiled(cols(dt))});
  collectives.all_reduce(s, partial, sum, "attn_out_all_reduce");
  s.vector("o_proj_b_scale", kernels::descriptors::scale(),
           {.x = In(sum).tiled(cols(dt)), .col_scale = In(t.wo_b_scale).tiled(cols(dt)), .y = Out(t.attn_out).tiled(cols(dt))});
  return {s.finalize(), placements()};
}

TpModelEntry tp_swa_attention_entry() {
  auto config_of = [](const ModelRun& full) -> const Config& {
    const auto* run = dynamic_cast<const SwaAttentionRun*>(&full);
    if (!run) throw Error(std::string(kSwaModelName) + " --tp: the single-rank run is not a " + kSwaModelName + " run");
    return run->config();
  };
  return TpModelEntry{kSwaModelName, "the o_proj groups (O_GROUPS) and their heads",
                      [config_of](const ModelRun& full, int ranks) { tp_rank_config(config_of(full), ranks); },
                      [config_of](const ModelRun& full, int rank, int ranks, TpCollectives& collectives) {
                        auto built = build_tp_swa_rank(config_of(full), rank, ranks, collectives);
                        return std::make_unique<TpRankRun>(std::move(built.graph), kSwaModelName, rank, ranks,
                                                           std::move(built.placements));
                      }};
}

}  // namespace tg::models::deepseek_v4
