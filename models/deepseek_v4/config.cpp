#include "models/deepseek_v4/config.hpp"

#include <cmath>
#include <sstream>

#include "runtime/error.hpp"

namespace tg::models::deepseek_v4 {

float Dims::softmax_scale() const { return static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim))); }

std::string_view name_of(Mode mode) { return mode == Mode::Decode ? "decode" : "prefill"; }

Mode parse_mode(std::string_view s) {
  if (s == "decode") return Mode::Decode;
  if (s == "prefill") return Mode::Prefill;
  throw ConfigError("v4: unknown mode '" + std::string(s) + "'; use decode or prefill");
}

namespace {

void require_positive(std::int64_t value, const char* field) {
  if (value <= 0) throw ConfigError("v4 config: " + std::string(field) + " = " + std::to_string(value) + " must be > 0");
}

void require_multiple(std::int64_t value, const char* field, std::int64_t tile, const char* tile_name) {
  require_positive(tile, tile_name);
  if (value % tile != 0)
    throw ConfigError("v4 config: " + std::string(field) + " = " + std::to_string(value) + " is not a multiple of " +
                      tile_name + " = " + std::to_string(tile) + "; change one of them");
}

}  // namespace

void Config::validate() const {
  const Dims& d = dims;
  const Tiles& t = tiles;
  for (auto [v, n] : {std::pair{d.hidden, "hidden_size"}, {d.heads, "num_attention_heads"}, {d.head_dim, "head_dim"},
                      {d.rope, "qk_rope_head_dim"}, {d.q_lora, "q_lora_rank"}, {d.o_lora, "o_lora_rank"},
                      {d.o_groups, "o_groups"}, {d.window, "sliding_window"}, {batch, "batch"}, {seq, "seq"},
                      {t.t_tile, "T_TILE"}, {t.cube_m, "cube M tile"}})
    require_positive(v, n);
  if (d.rope % 2 != 0 || d.rope > d.head_dim)
    throw ConfigError("v4 config: qk_rope_head_dim = " + std::to_string(d.rope) + " must be even and <= head_dim");
  if (!(d.eps > 0)) throw ConfigError("v4 config: rms_norm_eps must be > 0");
  // swa_indices are int32 rows: BLOCKS·128 must stay below 2^31.
  if (cache_blocks < 0 || cache_blocks > kMaxCacheBlocks)
    throw ConfigError("v4 config: ori_kv's BLOCKS = " + std::to_string(cache_blocks) + " must be from 1 to " +
                      std::to_string(kMaxCacheBlocks) + " (int32 row indices), or 0 for the demo's count");
  // Every split dimension must be a multiple of the tile that splits it. Tokens are the
  // exception: a token count that is not a multiple of T_TILE gets a short last tile.
  require_multiple(d.hidden, "hidden_size", t.k_split * t.q_proj_k, "k_split * Q_PROJ_TILE");
  require_multiple(d.q_lora, "q_lora_rank", t.q_lora_tile, "Q_LORA_TILE");
  require_multiple(d.q_lora, "q_lora_rank", t.q_proj_k, "Q_PROJ_TILE");
  require_multiple(d.q_width(), "heads * head_dim", t.qproj_n, "QPROJ N tile");
  require_multiple(d.head_dim, "head_dim", t.kv_tile, "KV_TILE");
  require_multiple(d.heads, "num_attention_heads", t.q_rope_heads, "Q_ROPE_H_TILE");
  require_multiple(d.heads, "num_attention_heads", t.attn_heads, "attention head tile");
  require_multiple(d.heads, "num_attention_heads", d.o_groups, "o_groups");
  require_multiple(d.window, "sliding_window", t.attn_k, "ATTN_K_TILE");
  require_multiple(d.o_lora, "o_lora_rank", t.o_lora_tile, "o_lora tile");
  require_multiple(d.hidden, "hidden_size", t.out_d_tile, "o_proj_b D tile");
  if (!host_tiling()) return;
  const HostTiles& h = host;
  require_positive(h.token_rows, "host token_rows");
  require_multiple(d.q_lora, "q_lora_rank", HostTiles::fit(h.proj_n, d.q_lora), "host proj_n");
  require_multiple(d.head_dim, "head_dim", HostTiles::fit(h.proj_n, d.head_dim), "host proj_n");
  require_multiple(d.heads, "num_attention_heads", HostTiles::fit(h.qproj_heads, d.heads), "host qproj_heads");
  require_multiple(d.heads, "num_attention_heads", HostTiles::fit(h.attn_heads, d.heads), "host attn_heads");
  require_multiple(d.o_lora, "o_lora_rank", HostTiles::fit(h.o_lora_tile, d.o_lora), "host o_lora_tile");
  require_multiple(d.hidden, "hidden_size", HostTiles::fit(h.out_d_tile, d.hidden), "host out_d_tile");
}

std::string Config::describe() const {
  std::ostringstream os;
  os << preset << (small ? " (small)" : "") << " " << name_of(mode) << ": T=" << tokens() << " (B=" << batch
     << ", S=" << seq << ") D=" << dims.hidden << " H=" << dims.heads << " HEAD_DIM=" << dims.head_dim
     << " ROPE=" << dims.rope << " Q_LORA=" << dims.q_lora << " O_LORA=" << dims.o_lora
     << " O_GROUPS=" << dims.o_groups << " WIN=" << dims.window << (host_tiling() ? ", host tiling" : "");
  return os.str();
}

Config make_config(std::string_view preset, Mode mode, bool small) {
  Config c;
  c.preset = std::string(preset);
  c.small = small;
  c.mode = mode;
  if (preset == "flash") {
    c.dims = Dims{4096, 64, 512, 64, 1024, 1024, 8, 128, 1e-6f};
  } else if (preset == "pro") {
    c.dims = Dims{7168, 128, 512, 64, 1536, 1024, 16, 128, 1e-6f};
  } else {
    throw ConfigError("v4: unknown preset '" + std::string(preset) + "'; use flash or pro");
  }
  if (small) {
    // Same head geometry, tiles and window; narrow everything that only sets the sizes.
    c.dims.hidden = 512;
    c.dims.heads = preset == "flash" ? 16 : 32;
    c.dims.o_groups = preset == "flash" ? 2 : 4;
    c.dims.q_lora = 256;
    c.dims.o_lora = 256;
  }
  if (mode == Mode::Decode) {
    c.batch = 4;
    c.seq = 2;
  } else {
    c.batch = 1;
    c.seq = small ? 24 : 128;
  }
  c.validate();
  return c;
}

}  // namespace tg::models::deepseek_v4
