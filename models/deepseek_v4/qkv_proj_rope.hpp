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
// Tokens: the vector stages split T in T_TILE rows, the cube stages in 16-row boxes. A T that
// is not a multiple of the tile (prefill) gets a short last tile: its blocks compute only the
// real rows; the cost hints charge the full padded box, as the device would.
#include <string_view>

#include "models/deepseek_v4/config.hpp"
#include "tasks/scope.hpp"

namespace tg::models::v4 {

// Bugs the precision report must catch (issue 7).
enum class QkvBug : unsigned char {
  none,
  rsqrt_q_head,       // per-head RMSNorm with the rsqrt_approx inverse square root
  half_split_rope,    // rotate_half pairs instead of interleaved ones (q and kv)
  bf16_before_quant,  // qr_n rounded to bf16 before the int8 quantization (two hops)
};
QkvBug parse_qkv_bug(std::string_view name);  // "" | "rsqrt-q-head" | "half-split-rope" | "bf16-before-quant"

// Declares the scope's tensors and submits its tasks into `scope`.
void build_qkv_proj_rope(Scope& scope, const Config& cfg, QkvBug bug = QkvBug::none);

}  // namespace tg::models::v4
