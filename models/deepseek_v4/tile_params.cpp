#include "models/deepseek_v4/tile_params.hpp"

namespace tg::models::deepseek_v4 {

// cube_m is left out: it is the cube's 16-row box, a property of the hardware, not a choice.
const TileTable<Tiles>& qkv_tile_table() {
  static const TileTable<Tiles> table{{
      positive_tile("t_tile", &Tiles::t_tile, "T_TILE: token rows per vector block (and per qproj block)"),
      positive_tile("q_proj_k", &Tiles::q_proj_k, "Q_PROJ_TILE: K chunk of the projections, one qproj step each"),
      positive_tile("qproj_n", &Tiles::qproj_n, "N tile of the int8 q projection"),
      positive_tile("q_lora_tile", &Tiles::q_lora_tile, "Q_LORA_TILE: N tile of qr_proj"),
      positive_tile("kv_tile", &Tiles::kv_tile, "KV_TILE: N tile of kv_proj"),
      positive_tile("q_rope_heads", &Tiles::q_rope_heads, "Q_ROPE_H_TILE: heads per q_head_norm / q_rope block"),
      positive_tile("k_split", &Tiles::k_split, "split-K factor of qr_proj and kv_proj"),
      flag_tile("qproj_pipeline", &Tiles::qproj_pipeline, "qproj's K loop through a ping-pong pair of wq_b tiles (1) or in place (0)"),
  }};
  return table;
}

const TileTable<Tiles>& swa_tile_table() {
  static const TileTable<Tiles> table{{
      positive_tile("t_tile", &Tiles::t_tile, "T_TILE: token rows per o_r_quant block"),
      positive_tile("attn_k", &Tiles::attn_k, "ATTN_K_TILE: window rows per online-softmax step"),
      positive_tile("attn_heads", &Tiles::attn_heads, "heads per swa_attention block"),
      positive_tile("o_lora_tile", &Tiles::o_lora_tile, "N tile of o_proj_a"),
      positive_tile("out_d_tile", &Tiles::out_d_tile, "N tile (over D) of o_proj_b"),
  }};
  return table;
}

}  // namespace tg::models::deepseek_v4
