#pragma once
// DeepSeek V3.2 decode front, scope 1 (MLA front: RMSNorm, Q/KV projection, RoPE, cache
// write) as a task graph: docs/models/v32_decode_scope1.md, stage by stage.
#include <memory>
#include <string_view>

#include "models/common/planted_bug.hpp"
#include "models/common/weight_packs.hpp"
#include "models/deepseek_v3_2/config.hpp"
#include "tasks/scope.hpp"

namespace tg::models::deepseek_v3_2 {

// The scope's inputs, InOut caches and outputs, with the spec's names.
struct Scope1Tensors {
  // Inputs and weights.
  View hidden_states;     // [B, HIDDEN] bf16
  View input_rms_weight;  // [1, HIDDEN] fp32
  View q_norm_weight;     // [1, Q_LORA_RANK] fp32
  View kv_norm_weight;    // [1, KV_LORA_RANK] fp32
  View wq_a;              // [HIDDEN, Q_LORA_RANK] bf16
  View wq_b;              // [Q_LORA_RANK, NUM_HEADS*QK_HEAD_DIM] bf16
  View wkv_a;             // [HIDDEN, KV_A_OUT] bf16
  View seq_lens;          // [B] int32, each in [1, MAX_SEQ]
  View rope_cos;          // [MAX_SEQ, R] fp32
  View rope_sin;          // [MAX_SEQ, R] fp32
  // InOut: only row b*MAX_SEQ + seq_lens[b] - 1 changes.
  View kv_cache;  // [B*MAX_SEQ, KV_LORA_RANK] bf16
  View pe_cache;  // [B*MAX_SEQ, R] bf16
  // Outputs.
  View q_nope_out;  // [B, NUM_HEADS*QK_NOPE_HEAD_DIM] bf16
  View q_pe_out;    // [B, NUM_HEADS*R] bf16
  View qr_out;      // [B, Q_LORA_RANK] bf16

  // Declares every tensor above in `scope` with its role, name, shape and dtype.
  static Scope1Tensors declare(Scope& scope, const Scope1Config& config);
  // The same without the three outputs (a tensor-parallel rank declares its own).
  static Scope1Tensors declare_inputs(Scope& scope, const Scope1Config& config);
};

// The staging tensors build() creates (zero-filled), for the stage-by-stage check.
struct Scope1Staging {
  View normed_states;  // [B, HIDDEN] bf16
  View qr_fp32;        // [B, Q_LORA_RANK] fp32
  View q_proj_fp32;    // [B, NUM_HEADS*QK_HEAD_DIM] fp32: q_head_proj's accumulators
  View q_proj;         // [B, NUM_HEADS*QK_HEAD_DIM] bf16, before RoPE
  View q_roped;        // [B, NUM_HEADS*QK_HEAD_DIM] bf16, after RoPE (none when fused)
  View kv_a_fp32;      // [B, KV_A_OUT] fp32: kv_a_proj's accumulators
  View kv_a_out;       // [B, KV_A_OUT] bf16
  View kv_normed;      // [B, KV_LORA_RANK] bf16
};

// Bugs planted on purpose (--plant-bug), to show that lint and the precision report catch their kind.
enum class Scope1Bug : unsigned char {
  none,
  rmsnorm_variance,  // input_rmsnorm multiplies by the variance, not 1/sqrt(var + eps)
  skip_q_proj,       // the q_head_proj tasks are left out: q_proj read, never written
};
inline constexpr PlantedBug<Scope1Bug> kScope1Bugs[] = {{"rmsnorm-variance", Scope1Bug::rmsnorm_variance},
                                                        {"skip-q-proj", Scope1Bug::skip_q_proj}};
// "" | "none" | a name of kScope1Bugs; ConfigError otherwise.
Scope1Bug parse_scope1_bug(std::string_view name);

// Emits the nine stages into `scope` at the config's tiling; every task names a kernel
// descriptor, whose cost it takes. Throws ConfigError when the config is invalid or the
// tensors' shapes disagree with it.
// Host tiling with `packs`: each cube task's weight tile is registered in `packs` and the
// task reads it packed (the caller packs after binding the weights: WeightPacks::pack); without
// `packs` the host tiling's tasks read the weight views (same bits, slower).
Scope1Staging build_scope1(Scope& scope, const Scope1Config& config, const Scope1Tensors& tensors,
                           Scope1Bug bug = Scope1Bug::none, std::shared_ptr<WeightPacks> packs = nullptr);

}  // namespace tg::models::deepseek_v3_2
