#include "models/deepseek_v3_2/config.hpp"

#include <fmt/format.h>

#include "runtime/error.hpp"

namespace tg::models::deepseek_v3_2 {

Scope1Config Scope1Config::full() { return Scope1Config{}; }

Scope1Config Scope1Config::small() {
  Scope1Config c;
  c.name = "small";
  c.batch = 4;
  c.hidden = 512;
  c.num_heads = 4;
  c.q_lora_rank = 256;
  c.kv_lora_rank = 128;
  c.max_seq = 64;
  c.host_lora_tile = 64;
  c.host_q_out_tile = 192;
  c.host_kv_out_tile = 96;
  return c;
}

Scope1Config Scope1Config::named(const std::string& name) {
  if (name == "full") return full();
  if (name == "small") return small();
  throw ConfigError("deepseek v3.2 scope 1: unknown config '" + name + "'; use 'full' or 'small'");
}

void Scope1Config::validate() const {
  auto positive = [&](const char* dim, std::int64_t value) {
    if (value <= 0) throw ConfigError(fmt::format("deepseek v3.2 scope 1 config '{}': {} = {} must be positive", name, dim, value));
  };
  auto multiple = [&](const char* dim, std::int64_t value, const char* tile, std::int64_t tile_value) {
    positive(dim, value);
    positive(tile, tile_value);
    if (value % tile_value != 0)
      throw ConfigError(fmt::format("deepseek v3.2 scope 1 config '{}': {} = {} is not a multiple of {} = {}; "
                                    "change the dimension or pick a tile that divides it",
                                    name, dim, value, tile, tile_value));
  };
  positive("B", batch);
  positive("MAX_SEQ", max_seq);
  positive("NUM_HEADS", num_heads);
  positive("QK_NOPE_HEAD_DIM", qk_nope_head_dim);
  multiple("QK_ROPE_HEAD_DIM", qk_rope_head_dim, "2 (half-split RoPE)", 2);
  positive("KV_LORA_RANK", kv_lora_rank);
  multiple("HIDDEN", hidden, "RMSNORM_K", rmsnorm_k);
  multiple("HIDDEN", hidden, "PROJ_K", proj_k);
  multiple("Q_LORA_RANK", q_lora_rank, "LORA_TILE", lora_tile);
  multiple("NUM_HEADS*QK_HEAD_DIM", q_proj_cols(), "Q_OUT_TILE", q_out_tile);
  multiple("KV_A_OUT", kv_a_out(), "KV_OUT_TILE", kv_out_tile);
  if (host_tiling()) {
    multiple("Q_LORA_RANK", q_lora_rank, "HOST_LORA_TILE", host_lora_tile);
    multiple("NUM_HEADS*QK_HEAD_DIM", q_proj_cols(), "HOST_Q_OUT_TILE", host_q_out_tile);
    multiple("KV_A_OUT", kv_a_out(), "HOST_KV_OUT_TILE", host_kv_out_tile);
  }
  if (!(eps > 0)) throw ConfigError(fmt::format("deepseek v3.2 scope 1 config '{}': EPS = {} must be positive", name, eps));
}

std::string Scope1Config::describe() const {
  return fmt::format("B={} HIDDEN={} heads={} q_lora={} kv_lora={} rope={} max_seq={}", batch, hidden, num_heads,
                     q_lora_rank, kv_lora_rank, qk_rope_head_dim, max_seq);
}

}  // namespace tg::models::deepseek_v3_2
