#pragma once
// DeepSeek V4 SWA sparse attention with grouped output projection (decode),
// docs/models/v4_swa_attention.md, one function per stage:
//
//   swa_gather_kv (vector, per token) ─► swa_attention (MIX, per token x head tile: tiled
//   online softmax over ATTN_K_TILE window rows with attn_sink, bf16 exp scores before PV,
//   inverse RoPE) ─► o_proj_a (cube, per group x O_LORA tile) ─► o_r_quant (vector,
//   per-(token, group) int8) ─► o_proj_b (MIX: int8 matmul per group + dequant, per D tile)
//
// Host tiling (Config::tiling = Tiling::host, docs/models.md): the same stages and kernels in
// fewer, larger blocks (HostTiles: more heads per attention block, wider o_proj tiles, all
// tokens per quant block) and, given WeightPacks, o_proj_a / o_proj_b on weights packed once
// when bound. Bit-identical: every kernel is row- and column-independent, and the packed
// projections keep the view kernels' sums (swa_kernels.hpp).
//
// Staging tensors `o`, `o_r`, `o_r_i8`, `o_r_scale_dq` as the spec names them, so each stage
// is judged on its own; `kv_window` [T·WIN, HEAD_DIM] holds the gathered rows (zero rows for
// invalid slots, which the attention also masks by swa_lens and −1).
#include <memory>
#include <string_view>

#include "models/common/planted_bug.hpp"
#include "models/common/weight_packs.hpp"
#include "models/deepseek_v4/config.hpp"
#include "tasks/scope.hpp"

namespace tg::models::deepseek_v4 {

// The scope's inputs, weights and output, and its staging tensors, with the spec's names.
struct SwaTensors {
  View q, ori_kv, swa_indices, swa_lens, attn_sink, freqs_cos, freqs_sin, wo_a, wo_b, wo_b_scale;  // inputs
  View attn_out;                                                                                  // output
  // Declares every tensor above in `scope`; ori_kv has swa_cache_blocks(cfg) blocks.
  static SwaTensors declare(Scope& scope, const Config& cfg);
};
struct SwaStaging {
  View kv_window, o, o_r, o_r_i8, o_r_scale_dq;
};

// SWA has no planted bug yet; the enum keeps the one shape every model's --plant-bug has.
enum class SwaBug : unsigned char { none };
inline constexpr std::span<const PlantedBug<SwaBug>> kSwaBugs{};
SwaBug parse_swa_bug(std::string_view name);  // "" | "none"; ConfigError otherwise

// Submits the scope's stages into `scope` (its staging tensors declared here). With the host
// tiling and `packs`, o_proj_a and o_proj_b register their weight tiles there and read them
// packed (the caller packs after binding the weights: WeightPacks::pack); same bits.
SwaStaging build_swa_attention(Scope& scope, const Config& cfg, const SwaTensors& tensors, SwaBug bug = SwaBug::none,
                               std::shared_ptr<WeightPacks> packs = nullptr);
// The stages before o_proj_b (gather, attention, o_proj_a, o_r_quant): all per head or per
// group, what a tensor-parallel rank runs on its groups before its partial o_proj_b.
SwaStaging build_swa_attention_heads(Scope& scope, const Config& cfg, const SwaTensors& tensors,
                                     std::shared_ptr<WeightPacks> packs = nullptr);

}  // namespace tg::models::deepseek_v4
