#pragma once
// DeepSeek V4 qkv_proj_rope (W8A8C16), decode and prefill: the reference program's task
// structure (seed 003) on tilegraph, one function per stage of
// docs/models/v4_qkv_proj_rope.md, tensor names as the spec writes them.
//
//   qr_proj (cube, split-K) ─► qr_rms_norm_quant (vector, fused two-pass) ─► qproj (K loop,
//   pipelined: load wq_b tile ║ int8 matmul; last step fused with dequant; or, with
//   Tiles::qproj_pipeline = false, each step reading wq_b in place) ─► q_head_norm (vector)
//   ─► q_rope (vector)
//   kv_proj (cube, split-K) ─► kv_rms_norm_rope (vector)
//
// Host tiling (Config::tiling = Tiling::host, docs/models.md): the same projections and norms
// in fewer, larger blocks (HostTiles), and stages 4-8 as one MIX task `qproj_heads` per token
// block x head tile (no q_acc / q_full / q_pe_normed in GM); with WeightPacks the bf16 split
// tiles and the wq_b column tiles are read packed. Bit-identical to the reference tiling.
//
// Tokens: the vector stages split T in T_TILE rows, the cube stages in 16-row boxes. A T that
// is not a multiple of the tile (prefill) gets a short last tile: its blocks compute only the
// real rows. Every task names a kernel descriptor and takes its cost from it: logical work,
// which the machine binding pads to the cube's box once.
#include <memory>
#include <string_view>

#include "models/common/planted_bug.hpp"
#include "models/common/weight_packs.hpp"
#include "models/deepseek_v4/config.hpp"
#include "tasks/scope.hpp"

namespace tg::models::deepseek_v4 {

// The scope's inputs, weights and outputs, and its staging tensors, with the spec's names.
struct QkvTensors {
  View x, wq_a, wq_b, wq_b_scale, wkv, rope_cos, rope_sin, gamma_cq, gamma_ckv;  // inputs and weights
  View q, kv, qr, qr_scale;                                                     // outputs
  // Declares every tensor above in `scope` with its role, name, shape and dtype.
  static QkvTensors declare(Scope& scope, const Config& cfg);
};
struct QkvStaging {
  View qr_partial, kv_partial, q_acc, q_full, q_pe_normed;
};

// Bugs planted on purpose (--plant-bug): the precision report must catch them (issue 7).
enum class QkvBug : unsigned char {
  none,
  rsqrt_q_head,       // per-head RMSNorm with the rsqrt_approx inverse square root
  half_split_rope,    // rotate_half pairs instead of interleaved ones (q and kv)
  bf16_before_quant,  // qr_n rounded to bf16 before the int8 quantization (two hops)
};
inline constexpr PlantedBug<QkvBug> kQkvBugs[] = {{"rsqrt-q-head", QkvBug::rsqrt_q_head},
                                                  {"half-split-rope", QkvBug::half_split_rope},
                                                  {"bf16-before-quant", QkvBug::bf16_before_quant}};
// "" | "none" | a name of kQkvBugs; ConfigError otherwise.
QkvBug parse_qkv_bug(std::string_view name);

// Submits the scope's stages into `scope` (its staging tensors declared here). At the host
// tiling, `packs` (when given) gets a slot per projection weight tile; the caller packs it
// once the weights are bound (QkvProjRopeRun does). The reference tiling ignores it.
QkvStaging build_qkv_proj_rope(Scope& scope, const Config& cfg, const QkvTensors& tensors, QkvBug bug = QkvBug::none,
                               std::shared_ptr<WeightPacks> packs = nullptr);

}  // namespace tg::models::deepseek_v4
