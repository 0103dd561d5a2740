#include "models/deepseek_v4/demo_inputs.hpp"

#include "models/common/inputs.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>
#include <type_traits>

namespace tg::models::deepseek_v4 {

namespace {

using tg::models::SeededStream;
using tg::models::fill_uniform;

template <class T> std::span<T> span_of(const TensorMap& g, std::string_view name) {
  const Tensor& b = g.tensor(name);
  return {b.data_as<std::remove_const_t<T>>(), static_cast<std::size_t>(b.numel())};
}

void fill_bf16(const TensorMap& g, std::string_view name, float lo, float hi, std::uint64_t seed) {
  fill_uniform(g.tensor(name), lo, hi, seed);
}

float uniform(SeededStream& rng, float lo, float hi) { return static_cast<float>(rng.uniform(lo, hi)); }
std::int64_t below(SeededStream& rng, std::int64_t n) { return rng.uniform_int(0, n - 1); }

// The spec's weight rule: a bf16 matrix quantized per output channel, amax over the input dim.
// `out_major`: the buffer is [out, in] (wo_b); otherwise [in, out] (wq_b).
void fill_int8_weight(const TensorMap& g, std::string_view name, std::string_view scale_name, float range,
                      bool out_major, std::uint64_t seed) {
  const Tensor& w = g.tensor(name);
  const std::int64_t rows = w.shape()[0], cols = w.shape()[1];
  const std::int64_t outs = out_major ? rows : cols, ins = out_major ? cols : rows;
  SeededStream rng(seed, name);
  std::vector<float> dense(static_cast<std::size_t>(rows * cols));
  for (auto& v : dense) v = round_to_bf16(uniform(rng, -range, range));
  auto at = [&](std::int64_t o, std::int64_t i) { return out_major ? o * cols + i : i * cols + o; };
  std::vector<float> amax(static_cast<std::size_t>(outs), kInt8AmaxEps);
  for (std::int64_t o = 0; o < outs; ++o)
    for (std::int64_t i = 0; i < ins; ++i) amax[o] = std::max(amax[o], std::fabs(dense[at(o, i)]));
  auto codes = span_of<std::int8_t>(g, name);
  auto scales = span_of<float>(g, scale_name);
  for (std::int64_t o = 0; o < outs; ++o) {
    const float s = kInt8ScaleMax / amax[o];
    scales[o] = 1.0f / s;
    for (std::int64_t i = 0; i < ins; ++i)
      codes[at(o, i)] = static_cast<std::int8_t>(std::clamp(std::nearbyint(dense[at(o, i)] * s), -127.0f, 127.0f));
  }
}

// Column j < ROPE/2 holds cos/sin(pos · 10000^(−2j/ROPE)); the second half repeats the first.
void fill_rope_tables(const TensorMap& g, const Config& cfg, std::string_view cos_name, std::string_view sin_name,
                      std::span<const std::int64_t> positions) {
  const auto R = cfg.dims.rope;
  auto cs = span_of<bf16>(g, cos_name), sn = span_of<bf16>(g, sin_name);
  for (std::size_t t = 0; t < positions.size(); ++t)
    for (std::int64_t j = 0; j < R; ++j) {
      const auto jj = j % (R / 2);
      const double angle = static_cast<double>(positions[t]) * std::pow(10000.0, -2.0 * static_cast<double>(jj) / static_cast<double>(R));
      cs[t * R + j] = bf16(static_cast<float>(std::cos(angle)));
      sn[t * R + j] = bf16(static_cast<float>(std::sin(angle)));
    }
}

std::int64_t blocks_per_request(const Config& cfg) {
  return (cfg.dims.window + cfg.seq + kCacheBlockRows - 1) / kCacheBlockRows;
}

}  // namespace

std::int64_t swa_cache_blocks(const Config& cfg) {
  return cfg.cache_blocks > 0 ? cfg.cache_blocks : cfg.batch * blocks_per_request(cfg) + 2;
}

void fill_qkv_inputs(const TensorMap& g, const Config& cfg, std::uint64_t seed) {
  fill_bf16(g, "x", -1, 1, seed);
  fill_bf16(g, "wq_a", -0.1f, 0.1f, seed);
  fill_bf16(g, "wkv", -0.1f, 0.1f, seed);
  fill_bf16(g, "gamma_cq", -1, 1, seed);
  fill_bf16(g, "gamma_ckv", -1, 1, seed);
  fill_int8_weight(g, "wq_b", "wq_b_scale", 0.1f, /*out_major=*/false, seed);
  SeededStream rng(seed, "positions");
  std::vector<std::int64_t> positions(static_cast<std::size_t>(cfg.tokens()));
  for (auto& p : positions) p = below(rng, 4096);
  fill_rope_tables(g, cfg, "rope_cos", "rope_sin", positions);
}

void fill_swa_inputs(const TensorMap& g, const Config& cfg, std::uint64_t seed) {
  const auto T = cfg.tokens(), W = cfg.dims.window, S = cfg.seq, B = cfg.batch;
  const auto HD = cfg.dims.head_dim, HPG = cfg.dims.heads_per_group();
  fill_bf16(g, "q", -0.5f, 0.5f, seed);
  fill_bf16(g, "ori_kv", -0.5f, 0.5f, seed);
  fill_uniform(g.tensor("attn_sink"), -1, 1, seed);
  const float wo_a_range = 0.5f / std::sqrt(static_cast<float>(HPG * HD));
  fill_bf16(g, "wo_a", -wo_a_range, wo_a_range, seed);
  fill_int8_weight(g, "wo_b", "wo_b_scale", 0.5f / std::sqrt(static_cast<float>(cfg.dims.o_groups * cfg.dims.o_lora)),
                   /*out_major=*/true, seed);

  // Paged cache: a shuffled block table per request; token s of request r sits at
  // position base_r + s, and its window covers the `len` positions ending there.
  SeededStream rng(seed, "swa_indices");
  const auto bpr = blocks_per_request(cfg), blocks = swa_cache_blocks(cfg);
  std::vector<std::int32_t> table(static_cast<std::size_t>(blocks));
  std::iota(table.begin(), table.end(), 0);
  for (auto i = static_cast<std::int64_t>(table.size()) - 1; i > 0; --i)  // Fisher-Yates, portable
    std::swap(table[static_cast<std::size_t>(i)], table[static_cast<std::size_t>(rng.uniform_int(0, i))]);
  auto lens = span_of<std::int32_t>(g, "swa_lens");
  auto idx = span_of<std::int32_t>(g, "swa_indices");
  std::vector<std::int64_t> positions(static_cast<std::size_t>(T));
  for (std::int64_t t = 0; t < T; ++t) {
    std::int64_t len = 1 + below(rng, W);
    if (t == 0) len = W;          // a full window
    if (t == 1 || t == 2) len = 3 + 5 * (t - 1);  // 3 and 8 slots
    if (t == 3) len = 1;          // one slot, a hole below: no valid slot at all
    lens[t] = static_cast<std::int32_t>(len);
  }
  for (std::int64_t r = 0; r < B; ++r) {
    const std::int64_t base = W + below(rng, 4096 - W - S);
    for (std::int64_t s = 0; s < S; ++s) {
      const std::int64_t t = r * S + s, pos = base + s, len = lens[t];
      positions[t] = pos;
      for (std::int64_t j = 0; j < W; ++j) {
        std::int32_t row;
        if (j < len) {
          const std::int64_t logical = pos - len + 1 + j - (base - W);  // in [0, WIN + S)
          // Modulo the cache: with the demo's count every request has blocks of its own.
          const auto block = table[static_cast<std::size_t>((r * bpr + logical / kCacheBlockRows) % blocks)];
          row = static_cast<std::int32_t>(block * kCacheBlockRows +
                                          logical % kCacheBlockRows);
        } else {
          // Past the valid prefix: -1 for even tokens, stale but in-range rows for odd ones,
          // so a kernel that masks only by -1 reads garbage.
          row = t % 2 == 0 ? -1 : static_cast<std::int32_t>(below(rng, blocks * kCacheBlockRows));
        }
        idx[t * W + j] = row;
      }
      // A few holes inside the prefix.
      if (len > 8)
        for (int k = 0; k < 3; ++k) idx[t * W + below(rng, len)] = -1;
      if (t == 1) idx[t * W + 1] = -1;
      if (t == 3) idx[t * W + 0] = -1;
    }
  }
  fill_rope_tables(g, cfg, "freqs_cos", "freqs_sin", positions);
}

QkvInputsView qkv_inputs_view(const TensorMap& g) {
  return QkvInputsView{span_of<const bf16>(g, "x"), span_of<const bf16>(g, "wq_a"), span_of<const std::int8_t>(g, "wq_b"),
                       span_of<const float>(g, "wq_b_scale"), span_of<const bf16>(g, "wkv"),
                       span_of<const bf16>(g, "rope_cos"), span_of<const bf16>(g, "rope_sin"),
                       span_of<const bf16>(g, "gamma_cq"), span_of<const bf16>(g, "gamma_ckv")};
}

SwaInputsView swa_inputs_view(const TensorMap& g) {
  return SwaInputsView{span_of<const bf16>(g, "q"), span_of<const bf16>(g, "ori_kv"),
                       span_of<const std::int32_t>(g, "swa_indices"), span_of<const std::int32_t>(g, "swa_lens"),
                       span_of<const float>(g, "attn_sink"), span_of<const bf16>(g, "freqs_cos"),
                       span_of<const bf16>(g, "freqs_sin"), span_of<const bf16>(g, "wo_a"),
                       span_of<const std::int8_t>(g, "wo_b"), span_of<const float>(g, "wo_b_scale")};
}

}  // namespace tg::models::deepseek_v4
