#pragma once
// DeepSeek V4 SWA attention split across ranks by output groups (docs/scale_out.md,
// "Tensor-parallel model scopes"). Rank r of N holds O_GROUPS / N groups and their
// HPG·O_GROUPS / N heads: q, attn_sink, wo_a and wo_b's columns of them, and runs the
// per-head and per-group stages (swa_attention, o_proj_a, o_r_quant) on them; the window
// gather is replicated (every head reads the one shared KV window). o_proj_b becomes
// o_proj_b_partial (this rank's groups, summed in order, fp32), an all-reduce of the
// partials in rank order, and o_proj_b_scale (the sum times wo_b_scale, rounded to bf16).
#include "models/common/tp_models.hpp"
#include "models/deepseek_v4/config.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::models::deepseek_v4 {

// `cfg` with O_GROUPS / ranks groups and their heads (tiles of heads shrunk to divide them);
// ConfigError naming the divisors when ranks does not divide O_GROUPS.
Config tp_rank_config(const Config& cfg, int ranks);

TpRankGraph build_tp_swa_rank(const Config& cfg, int rank, int ranks, TpCollectives& collectives);

template <template <Access> class F> struct PartialOutProjParams {
  F<Access::In> o_r_i8;        // [T, G_rank, O_LORA] int8: this rank's groups, whole
  F<Access::In> o_r_scale_dq;  // [T, G_rank] fp32
  F<Access::In> wo_b;          // [n, G_rank·O_LORA] int8: this block's rows of D
  F<Access::Out> partial;      // [T, n] fp32: Σ over the rank's groups, in order
  auto fields() { return std::tie(o_r_i8, o_r_scale_dq, wo_b, partial); }
};
// o_proj_b without its final scale: partial[:, D tile] = Σ_g dequant(o_r_i8[:, g] @ wo_b[D tile, g]ᵀ).
TypedKernel<PartialOutProjParams> o_proj_b_partial_kernel();

// "v4-swa-attention" for tp_model_registry().
TpModelEntry tp_swa_attention_entry();

}  // namespace tg::models::deepseek_v4
