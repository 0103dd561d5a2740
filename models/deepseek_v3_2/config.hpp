#pragma once
// Dimensions and tiles of DeepSeek V3.2 decode scope 1 (docs/models/v32_decode_scope1.md).
// Every tile must divide the dimension it splits.
#include <cstdint>
#include <string>

namespace tg::models::deepseek_v3_2 {

// The projections' task tiling. reference: the spec's program (64-column output tiles, K in
// chunks of PROJ_K / LORA_TILE): the graph the simulator sees. host: wider output tiles, each
// cube task one matmul over the whole K (on PackedWeights when the model run packs them):
// fewer, longer calls for a CPU. Same bits: the K chunks of the reference continue the same
// fp32 sums in the same order (kernels/matmul.hpp).
enum class Tiling : unsigned char { reference, host };

struct Scope1Config {
  std::string name = "full";
  // Dimensions.
  std::int64_t batch = 16;  // B: decode tokens
  std::int64_t max_seq = 4096;
  std::int64_t hidden = 7168;
  std::int64_t num_heads = 128;
  std::int64_t q_lora_rank = 1536;
  std::int64_t kv_lora_rank = 512;
  std::int64_t qk_nope_head_dim = 128;
  std::int64_t qk_rope_head_dim = 64;  // R
  float eps = 1e-6f;
  // Tiles of the reference program: the task granularity.
  std::int64_t rmsnorm_k = 512;   // running-sum chunk of input_rmsnorm over HIDDEN
  std::int64_t proj_k = 512;      // K chunk over HIDDEN (q_lora_proj, kv_a_proj)
  std::int64_t lora_tile = 64;    // q_lora_proj output tile and q_head_proj K chunk
  std::int64_t q_out_tile = 64;   // q_head_proj output tile
  std::int64_t kv_out_tile = 64;  // kv_a_proj output tile
  Tiling tiling = Tiling::reference;
  // Output tiles of the host tiling (multiples of 24, the packed bf16 tile, where they divide).
  std::int64_t host_lora_tile = 96;    // q_lora_proj
  std::int64_t host_q_out_tile = 768;  // q_head_proj (and its bf16 write)
  std::int64_t host_kv_out_tile = 96;  // kv_a_proj (and its bf16 write)
  // Emission: one SPMD task per projection stage (block i = output tile i), or one task
  // per output tile. Same kernels, same results; the scheduler sees fewer, larger tasks.
  bool spmd_projections = true;
  // q_rope, decode_cache_write and q_split as one task per batch row
  // ("q_rope_cache_write_split"), as the spec allows: no q_roped tensor, two fewer tasks,
  // bit-identical outputs and caches.
  bool fuse_per_batch_tail = false;

  std::int64_t qk_head_dim() const { return qk_nope_head_dim + qk_rope_head_dim; }
  std::int64_t kv_a_out() const { return kv_lora_rank + qk_rope_head_dim; }
  std::int64_t q_proj_cols() const { return num_heads * qk_head_dim(); }
  bool host_tiling() const { return tiling == Tiling::host; }
  // The projections' output tiles at this config's tiling.
  std::int64_t q_lora_out_tile() const { return host_tiling() ? host_lora_tile : lora_tile; }
  std::int64_t q_head_out_tile() const { return host_tiling() ? host_q_out_tile : q_out_tile; }
  std::int64_t kv_a_out_tile() const { return host_tiling() ? host_kv_out_tile : kv_out_tile; }

  // The spec's defaults (B 16, HIDDEN 7168, 128 heads) and its small test config.
  static Scope1Config full();
  static Scope1Config small();
  // "full" | "small"; anything else is a ConfigError.
  static Scope1Config named(const std::string& name);

  // Throws ConfigError naming the first dimension that is not positive or not a multiple
  // of its tile (and the tile), or an odd rope dim.
  void validate() const;
  // "B=16 HIDDEN=7168 heads=128 q_lora=1536 kv_lora=512 max_seq=4096"
  std::string describe() const;
};

}  // namespace tg::models::deepseek_v3_2
