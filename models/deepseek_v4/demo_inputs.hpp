#pragma once
// Deterministic demo inputs of the two V4 scopes, written into a graph's input and weight
// buffers, per the spec's ranges: a seed gives the same tensors on every machine. Also the
// read-only views the goldens take of those buffers.
#include <cstdint>

#include "models/deepseek_v4/config.hpp"
#include "models/deepseek_v4/qkv_golden.hpp"
#include "models/deepseek_v4/swa_golden.hpp"
#include "models/common/tensor_map.hpp"

namespace tg::models::deepseek_v4 {

// Physical cache blocks of ori_kv: cfg.cache_blocks when set, else the demo's count, every
// request's window (WIN + S rows) plus two spare blocks nothing points at.
std::int64_t swa_cache_blocks(const Config& cfg);

// x, wq_a, wq_b (+ wq_b_scale by the spec's weight rule), wkv, rope tables, gammas.
void fill_qkv_inputs(const TensorMap& tensors, const Config& cfg, std::uint64_t seed);
// q, ori_kv, swa_indices (holes, masked tail: -1 for even tokens, stale rows for odd ones;
// a cache of fewer blocks than the requests need lets them share blocks),
// swa_lens (token 0 full window, tokens 1-3 with 8 slots or fewer, token 3 with no valid
// slot), attn_sink, freqs tables, wo_a, wo_b (+ wo_b_scale).
void fill_swa_inputs(const TensorMap& tensors, const Config& cfg, std::uint64_t seed);

QkvInputsView qkv_inputs_view(const TensorMap& tensors);
SwaInputsView swa_inputs_view(const TensorMap& tensors);

}  // namespace tg::models::deepseek_v4
