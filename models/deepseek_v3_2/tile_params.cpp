#include "models/deepseek_v3_2/tile_params.hpp"

namespace tg::models::deepseek_v3_2 {

// proj_k is left out: the projections run their whole K in one matmul call per block (the K
// chunks continue one fp32 sum), so it changes no task; the host tiles act with --mode host.
const TileTable<Scope1Config>& scope1_tile_table() {
  static const TileTable<Scope1Config> table{{
      positive_tile("rmsnorm_k", &Scope1Config::rmsnorm_k, "RMSNORM_K: running-sum chunk of input_rmsnorm over HIDDEN"),
      positive_tile("lora_tile", &Scope1Config::lora_tile, "LORA_TILE: q_lora_proj output tile"),
      positive_tile("q_out_tile", &Scope1Config::q_out_tile, "Q_OUT_TILE: q_head_proj output tile"),
      positive_tile("kv_out_tile", &Scope1Config::kv_out_tile, "KV_OUT_TILE: kv_a_proj output tile"),
      positive_tile("host_lora_tile", &Scope1Config::host_lora_tile, "q_lora_proj output tile of the host tiling"),
      positive_tile("host_q_out_tile", &Scope1Config::host_q_out_tile, "q_head_proj output tile of the host tiling"),
      positive_tile("host_kv_out_tile", &Scope1Config::host_kv_out_tile, "kv_a_proj output tile of the host tiling"),
      flag_tile("spmd_projections", &Scope1Config::spmd_projections, "one SPMD task per projection stage (1) or a task per output tile (0)"),
  }};
  return table;
}

}  // namespace tg::models::deepseek_v3_2
