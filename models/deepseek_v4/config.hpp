#pragma once
// DeepSeek V4 attention scopes: model dimensions, tiles and the run shape, as named in
// docs/models/v4_qkv_proj_rope.md and docs/models/v4_swa_attention.md. Presets `flash` and
// `pro` (HuggingFace config) at full dims, and a `small` variant of each (same head dims and
// tiles, narrow D / H / ranks) for fast tests.
#include <cstdint>
#include <string>
#include <string_view>

namespace tg::models::deepseek_v4 {

inline constexpr float kInt8ScaleMax = 127.0f;
inline constexpr float kInt8AmaxEps = 1e-4f;
inline constexpr std::int64_t kMaxCacheBlocks = (std::int64_t{1} << 31) / 128 - 1;  // int32 rows of ori_kv

struct Dims {
  std::int64_t hidden = 4096;      // D
  std::int64_t heads = 64;         // H
  std::int64_t head_dim = 512;     // HEAD_DIM
  std::int64_t rope = 64;          // ROPE (qk_rope_head_dim)
  std::int64_t q_lora = 1024;      // Q_LORA
  std::int64_t o_lora = 1024;      // O_LORA
  std::int64_t o_groups = 8;       // O_GROUPS
  std::int64_t window = 128;       // WIN (sliding_window)
  float eps = 1e-6f;               // rms_norm_eps

  std::int64_t nope() const { return head_dim - rope; }
  std::int64_t q_width() const { return heads * head_dim; }         // H·HEAD_DIM
  std::int64_t heads_per_group() const { return heads / o_groups; }  // HPG
  float softmax_scale() const;                                       // HEAD_DIM^-0.5 in fp32
};

// The reference program's task granularity (seed 003); SPMD block counts come from these.
struct Tiles {
  std::int64_t t_tile = 8;           // token rows per vector block (T_TILE)
  std::int64_t cube_m = 16;          // cube rows come in 16-row boxes (decode pads 8 to 16)
  std::int64_t q_proj_k = 128;       // Q_PROJ_TILE: K chunk of the projections
  std::int64_t qproj_n = 512;        // N tile of the int8 q projection
  std::int64_t q_lora_tile = 256;    // Q_LORA_TILE: N tile of qr_proj
  std::int64_t kv_tile = 64;         // KV_TILE: N tile of kv_proj
  std::int64_t q_rope_heads = 4;     // Q_ROPE_H_TILE: heads per q_rope / head-norm block
  std::int64_t k_split = 4;          // split-K factor of qr_proj and kv_proj
  std::int64_t attn_k = 128;         // ATTN_K_TILE: window rows per online-softmax step
  std::int64_t attn_heads = 8;       // heads per swa_attention block (kv tile + 8 heads' state fit the UB)
  std::int64_t o_lora_tile = 128;    // N tile of o_proj_a
  std::int64_t out_d_tile = 128;     // N tile (over D) of o_proj_b
  // qproj's K loop as the reference's pl.pipeline(stage=2): wq_b tiles staged through a
  // ping-pong pair (`wq_b_tile[0]`, `[1]`); false = each step reads wq_b in place.
  bool qproj_pipeline = true;
};

// The task tiling. reference: the program above (seed 003's granularity), the graph the
// simulator, the TP builders and the tile sweeps see. host: fewer, larger tasks for host cores
// and caches (HostTiles), the weights a projection streams packed once when they are bound
// (models/common/weight_packs.hpp). Same bits: the host tasks run the same kernels on the same
// values in the same fp32 order (split-K partials stay split; int32 sums are exact).
enum class Tiling : std::uint8_t { reference, host };

// The host tiling's blocks (docs/models.md, "host tiling").
struct HostTiles {
  std::int64_t token_rows = 128;  // token rows per block of every stage (T up to this: one block)
  std::int64_t proj_n = 512;      // N tile of the split-K qr_proj / kv_proj (packed bf16)
  std::int64_t qproj_heads = 1;   // heads per block of the fused int8 q projection + head norm + RoPE
  std::int64_t attn_heads = 16;   // heads per swa_attention block
  std::int64_t o_lora_tile = 512; // N tile of o_proj_a
  std::int64_t out_d_tile = 512;  // N tile (over D) of o_proj_b
  // A tile wider than its dimension is the whole dimension (the small test dims).
  static std::int64_t fit(std::int64_t tile, std::int64_t dim) { return tile < dim ? tile : dim; }
};

enum class Mode : std::uint8_t { Decode, Prefill };
std::string_view name_of(Mode mode);
Mode parse_mode(std::string_view s);  // "decode" | "prefill"; ConfigError otherwise

struct Config {
  std::string preset = "flash";  // flash | pro
  bool small = false;            // small test dims (same head dims and tiles)
  Mode mode = Mode::Decode;
  Dims dims;
  Tiles tiles;
  Tiling tiling = Tiling::reference;
  HostTiles host;
  std::int64_t batch = 4;        // requests B
  std::int64_t seq = 2;          // tokens per request S
  // SWA: BLOCKS of the paged cache ori_kv [BLOCKS, 128, 1, HEAD_DIM], a property of the input
  // (a real cache has as many blocks as it has); 0 = the count the demo generator uses.
  std::int64_t cache_blocks = 0;
  std::int64_t tokens() const { return batch * seq; }  // T
  bool host_tiling() const { return tiling == Tiling::host; }

  // Throws ConfigError naming the field and the tile it must divide.
  void validate() const;
  std::string describe() const;  // "flash decode T=8 D=4096 H=64 ..."
};

// preset: "flash" | "pro"; small: the test dims. Decode: B=4, S=2; prefill: B=1, S=128.
Config make_config(std::string_view preset, Mode mode, bool small = false);

}  // namespace tg::models::deepseek_v4
