#pragma once
// DeepSeek V3.2 decode scope 1 split across ranks by q heads (docs/scale_out.md,
// "Tensor-parallel model scopes"). Rank r of N runs the whole scope at NUM_HEADS / N heads:
// wq_b's columns of its heads, and the per-head stages (q_head_proj, its bf16 write, q_rope,
// q_split) on them; the q-LoRA and KV paths (and the cache write) are replicated, computed
// by every rank from the same inputs; q_nope_out and q_pe_out are all-gathered, one
// collective per batch row (a row of the output is the ranks' head blocks in rank order).
#include <memory>

#include "models/common/tp_models.hpp"
#include "models/common/weight_packs.hpp"
#include "models/deepseek_v3_2/config.hpp"

namespace tg::models::deepseek_v3_2 {

// `config` at NUM_HEADS / ranks heads; ConfigError (naming the divisors) when ranks does not
// divide NUM_HEADS, or a tile does not divide a rank's share.
Scope1Config tp_rank_config(const Scope1Config& config, int ranks);

// Rank `rank` of `ranks`: its graph and where each single-rank tensor lives. With the host
// tiling, `packs` receives the rank's weight tiles (as build_scope1's).
TpRankGraph build_tp_scope1_rank(const Scope1Config& config, int rank, int ranks, TpCollectives& collectives,
                                 std::shared_ptr<WeightPacks> packs = nullptr);

// "v32-decode-scope1" for tp_model_registry().
TpModelEntry tp_scope1_entry();

}  // namespace tg::models::deepseek_v3_2
