#pragma once
// DeepSeek V4 SWA sparse attention with grouped output projection (decode),
// docs/models/v4_swa_attention.md, one function per stage:
//
//   swa_gather_kv (vector, per token) ─► swa_attention (MIX, per token x head tile: tiled
//   online softmax over ATTN_K_TILE window rows with attn_sink, bf16 exp scores before PV,
//   inverse RoPE) ─► o_proj_a (cube, per group x O_LORA tile) ─► o_r_quant (vector,
//   per-(token, group) int8) ─► o_proj_b (MIX: int8 matmul per group + dequant, per D tile)
//
// Staging tensors `o`, `o_r`, `o_r_i8`, `o_r_scale_dq` as the spec names them, so each stage
// is judged on its own; `kv_window` [T·WIN, HEAD_DIM] holds the gathered rows (zero rows for
// invalid slots, which the attention also masks by swa_lens and −1).
#include "models/deepseek_v4/config.hpp"
#include "tasks/scope.hpp"

namespace tg::models::v4 {

void build_swa_attention(Scope& scope, const Config& cfg);

}  // namespace tg::models::v4
