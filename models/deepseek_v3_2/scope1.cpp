// DeepSeek V3.2 decode scope 1, one function per stage of
// docs/models/v32_decode_scope1.md, named as the spec names it. Every task names a kernel
// descriptor (the library's, or scope1_kernels.hpp for the per-batch-row bodies) with its
// parameters by name; each argument says how a block cuts it, and its cost is derived.
#include "models/deepseek_v3_2/scope1.hpp"

#include <string>

#include "kernels/descriptors/descriptors.hpp"
#include "models/common/tiled_tasks.hpp"
#include "models/deepseek_v3_2/scope1_kernels.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v3_2 {

Scope1Bug parse_scope1_bug(std::string_view name) {
  return parse_planted_bug<Scope1Bug>("v32-decode-scope1", name, kScope1Bugs);
}

namespace {

namespace kd = kernels::descriptors;
using std::int64_t;
using tile::cols;
using tile::rows;

// What every stage reads: the scope, the config, the spec's tensors and the planted bug.
struct Stages {
  Scope& scope;
  const Scope1Config& c;
  const Scope1Tensors& t;
  const Scope1Staging& st;
  Scope1Bug bug;
  std::shared_ptr<WeightPacks> packs;  // host tiling: the cube tasks' packed weight tiles

  // The projections: one SPMD task per stage, or one task per output tile.
  Emission projections() const { return c.spmd_projections ? Emission::spmd : Emission::task_per_tile; }
};

// out[:, tile] = a @ w[:, tile] in fp32, one block (or task) per output tile of `tile`
// columns. The spec's K chunks continue one fp32 sum in order (kernels/matmul.hpp), so one
// call over the whole K gives the same bits; with packs, the block reads its packed tile.
void projection(const Stages& s, const std::string& name, const View& a, const View& w, const View& out, int64_t tile) {
  const kd::MatmulParams<ParamArg> args{.a = In(a), .b = In(w).tiled(cols(tile)), .c = Out(out).tiled(cols(tile))};
  if (!s.packs) {
    submit_tiled(s.scope, TaskKind::Cube, name, kd::matmul(), args, s.projections());
    return;
  }
  s.packs->add_column_tiles(w, tile);
  const auto packed = kd::matmul_packed([packs = s.packs](const View& b) -> const kernels::PackedWeights& { return packs->get(b); });
  submit_tiled(s.scope, TaskKind::Cube, name, packed, args, s.projections());
}

// dst[:, tile] = bf16(src[:, tile]): the vector half of a projection (L0C -> GM write).
void write_bf16(const Stages& s, const std::string& name, const View& src, const View& dst, int64_t tile) {
  submit_tiled(s.scope, TaskKind::Vector, name, kd::cast(), {.src = In(src).tiled(cols(tile)), .dst = Out(dst).tiled(cols(tile))},
               s.projections());
}

// One batch row per block: rows of the [B, ...] tensors, entries of seq_lens, and segments
// [b*MAX_SEQ, (b+1)*MAX_SEQ) of the caches.
Arg per_row(Arg a) { return a.tiled(rows(1)); }
Arg per_entry(Arg a) { return a.tiled(cols(1)); }
Arg per_segment(Arg a, int64_t max_seq) { return a.tiled(rows(max_seq)); }

// ---- the stages, in the spec's order ----

void input_rmsnorm(const Stages& s) {
  const kd::RmsNormParams<ParamArg> args{.x = per_row(In(s.t.hidden_states)), .gamma = In(s.t.input_rms_weight),
                                         .y = per_row(Out(s.st.normed_states))};
  if (s.bug == Scope1Bug::rmsnorm_variance)
    s.scope.vector("input_rmsnorm", rmsnorm_times_variance_kernel(), args);
  else
    s.scope.vector("input_rmsnorm", kd::rmsnorm({.eps = s.c.eps, .chunk_cols = s.c.rmsnorm_k}), args);
}

void q_lora_proj(const Stages& s) {
  projection(s, "q_lora_proj", s.st.normed_states, s.t.wq_a, s.st.qr_fp32, s.c.q_lora_out_tile());
}

void q_lora_rmsnorm(const Stages& s) {
  s.scope.vector("q_lora_rmsnorm", kd::rmsnorm({.eps = s.c.eps, .round_operand_to_bf16 = true}),
                 {.x = per_row(In(s.st.qr_fp32)), .gamma = In(s.t.q_norm_weight), .y = per_row(Out(s.t.qr_out))});
}

void q_head_proj(const Stages& s) {
  projection(s, "q_head_proj", s.t.qr_out, s.t.wq_b, s.st.q_proj_fp32, s.c.q_head_out_tile());
}

void q_head_proj_write(const Stages& s) {
  write_bf16(s, "q_head_proj_write", s.st.q_proj_fp32, s.st.q_proj, s.c.q_head_out_tile());
}

void kv_a_proj(const Stages& s) {
  projection(s, "kv_a_proj", s.st.normed_states, s.t.wkv_a, s.st.kv_a_fp32, s.c.kv_a_out_tile());
}

void kv_a_write(const Stages& s) { write_bf16(s, "kv_a_write", s.st.kv_a_fp32, s.st.kv_a_out, s.c.kv_a_out_tile()); }

void q_rope(const Stages& s) {
  s.scope.vector("q_rope", q_rope_kernel(RowDims::of(s.c)),
                 {.q_proj = per_row(In(s.st.q_proj)), .seq_len = per_entry(In(s.t.seq_lens)), .rope_cos = In(s.t.rope_cos),
                  .rope_sin = In(s.t.rope_sin), .q_roped = per_row(Out(s.st.q_roped))});
}

void kv_rmsnorm(const Stages& s) {
  s.scope.vector("kv_rmsnorm", kd::rmsnorm({.eps = s.c.eps}),
                 {.x = per_row(In(s.st.kv_a_out.cols(0, s.c.kv_lora_rank))), .gamma = In(s.t.kv_norm_weight),
                  .y = per_row(Out(s.st.kv_normed))});
}

// The written row depends on seq_lens, known only at run time: the caches are InOut as a
// whole, and block b touches only its own segment.
void decode_cache_write(const Stages& s) {
  const auto& c = s.c;
  s.scope.vector("decode_cache_write", cache_write_kernel(RowDims::of(c)),
                 {.kv_normed = per_row(In(s.st.kv_normed)),
                  .kv_pe = per_row(In(s.st.kv_a_out.cols(c.kv_lora_rank, c.qk_rope_head_dim))),
                  .seq_len = per_entry(In(s.t.seq_lens)), .rope_cos = In(s.t.rope_cos), .rope_sin = In(s.t.rope_sin),
                  .kv_cache = per_segment(InOut(s.t.kv_cache), c.max_seq),
                  .pe_cache = per_segment(InOut(s.t.pe_cache), c.max_seq)});
}

void q_split(const Stages& s) {
  s.scope.vector("q_split", q_split_kernel(RowDims::of(s.c)),
                 {.q_roped = per_row(In(s.st.q_roped)), .q_nope_out = per_row(Out(s.t.q_nope_out)),
                  .q_pe_out = per_row(Out(s.t.q_pe_out))});
}

// Stages 6, 8 and 9 as one task per b (the spec allows it: both per-b loops read seq_lens and
// the same cos / sin rows, and no edge orders q_rope against decode_cache_write). The rotated
// q goes straight into q_nope_out / q_pe_out: a q_roped tensor nothing reads would be the
// dead write of the spec's third seed bug.
void q_rope_cache_write_split(const Stages& s) {
  const auto& c = s.c;
  s.scope.vector("q_rope_cache_write_split", q_rope_cache_write_split_kernel(RowDims::of(c)),
                 {.q_proj = per_row(In(s.st.q_proj)), .seq_len = per_entry(In(s.t.seq_lens)), .rope_cos = In(s.t.rope_cos),
                  .rope_sin = In(s.t.rope_sin), .q_nope_out = per_row(Out(s.t.q_nope_out)),
                  .q_pe_out = per_row(Out(s.t.q_pe_out)), .kv_normed = per_row(In(s.st.kv_normed)),
                  .kv_pe = per_row(In(s.st.kv_a_out.cols(c.kv_lora_rank, c.qk_rope_head_dim))),
                  .kv_cache = per_segment(InOut(s.t.kv_cache), c.max_seq),
                  .pe_cache = per_segment(InOut(s.t.pe_cache), c.max_seq)});
}

void check_shape(const View& v, const char* name, const Shape& expected, DType dtype) {
  if (!v.valid()) throw ConfigError(std::string("deepseek v3.2 scope 1: tensor '") + name + "' was not given");
  if (v.sizes() != expected || v.dtype() != dtype)
    throw ConfigError(std::string("deepseek v3.2 scope 1: tensor '") + name + "' is " + std::string(tg::name_of(v.dtype())) + " " +
                      to_string(v.sizes()) + ", the config needs " + std::string(tg::name_of(dtype)) + " " + to_string(expected));
}

void check_tensors(const Scope1Config& c, const Scope1Tensors& t) {
  const int64_t b = c.batch, r = c.qk_rope_head_dim;
  check_shape(t.hidden_states, "hidden_states", {b, c.hidden}, BF16);
  check_shape(t.input_rms_weight, "input_rms_weight", {1, c.hidden}, FP32);
  check_shape(t.q_norm_weight, "q_norm_weight", {1, c.q_lora_rank}, FP32);
  check_shape(t.kv_norm_weight, "kv_norm_weight", {1, c.kv_lora_rank}, FP32);
  check_shape(t.wq_a, "wq_a", {c.hidden, c.q_lora_rank}, BF16);
  check_shape(t.wq_b, "wq_b", {c.q_lora_rank, c.q_proj_cols()}, BF16);
  check_shape(t.wkv_a, "wkv_a", {c.hidden, c.kv_a_out()}, BF16);
  check_shape(t.seq_lens, "seq_lens", {b}, INT32);
  check_shape(t.rope_cos, "rope_cos", {c.max_seq, r}, FP32);
  check_shape(t.rope_sin, "rope_sin", {c.max_seq, r}, FP32);
  check_shape(t.kv_cache, "kv_cache", {b * c.max_seq, c.kv_lora_rank}, BF16);
  check_shape(t.pe_cache, "pe_cache", {b * c.max_seq, r}, BF16);
  check_shape(t.q_nope_out, "q_nope_out", {b, c.num_heads * c.qk_nope_head_dim}, BF16);
  check_shape(t.q_pe_out, "q_pe_out", {b, c.num_heads * r}, BF16);
  check_shape(t.qr_out, "qr_out", {b, c.q_lora_rank}, BF16);
}

}  // namespace

Scope1Tensors Scope1Tensors::declare(Scope& s, const Scope1Config& c) {
  Scope1Tensors t = declare_inputs(s, c);
  t.q_nope_out = s.output("q_nope_out", {c.batch, c.num_heads * c.qk_nope_head_dim}, BF16);
  t.q_pe_out = s.output("q_pe_out", {c.batch, c.num_heads * c.qk_rope_head_dim}, BF16);
  t.qr_out = s.output("qr_out", {c.batch, c.q_lora_rank}, BF16);
  return t;
}

Scope1Tensors Scope1Tensors::declare_inputs(Scope& s, const Scope1Config& c) {
  c.validate();
  const int64_t b = c.batch, r = c.qk_rope_head_dim;
  Scope1Tensors t;
  t.hidden_states = s.input("hidden_states", {b, c.hidden}, BF16);
  t.input_rms_weight = s.weight("input_rms_weight", {1, c.hidden}, FP32);
  t.q_norm_weight = s.weight("q_norm_weight", {1, c.q_lora_rank}, FP32);
  t.kv_norm_weight = s.weight("kv_norm_weight", {1, c.kv_lora_rank}, FP32);
  t.wq_a = s.weight("wq_a", {c.hidden, c.q_lora_rank}, BF16);
  t.wq_b = s.weight("wq_b", {c.q_lora_rank, c.q_proj_cols()}, BF16);
  t.wkv_a = s.weight("wkv_a", {c.hidden, c.kv_a_out()}, BF16);
  t.seq_lens = s.input("seq_lens", {b}, INT32);
  t.rope_cos = s.input("rope_cos", {c.max_seq, r}, FP32);
  t.rope_sin = s.input("rope_sin", {c.max_seq, r}, FP32);
  t.kv_cache = s.inout("kv_cache", {b * c.max_seq, c.kv_lora_rank}, BF16);
  t.pe_cache = s.inout("pe_cache", {b * c.max_seq, r}, BF16);
  return t;
}

Scope1Staging build_scope1(Scope& s, const Scope1Config& c, const Scope1Tensors& t, Scope1Bug bug,
                           std::shared_ptr<WeightPacks> packs) {
  c.validate();
  check_tensors(c, t);
  const int64_t b = c.batch;
  Scope1Staging st;
  st.normed_states = s.staging("normed_states", {b, c.hidden}, BF16);
  st.qr_fp32 = s.staging("qr_fp32", {b, c.q_lora_rank}, FP32);
  st.q_proj_fp32 = s.staging("q_proj_fp32", {b, c.q_proj_cols()}, FP32);
  st.q_proj = s.staging("q_proj", {b, c.q_proj_cols()}, BF16);
  if (!c.fuse_per_batch_tail) st.q_roped = s.staging("q_roped", {b, c.q_proj_cols()}, BF16);
  st.kv_a_fp32 = s.staging("kv_a_fp32", {b, c.kv_a_out()}, FP32);
  st.kv_a_out = s.staging("kv_a_out", {b, c.kv_a_out()}, BF16);
  st.kv_normed = s.staging("kv_normed", {b, c.kv_lora_rank}, BF16);

  const Stages e{s, c, t, st, bug, c.host_tiling() ? std::move(packs) : nullptr};
  input_rmsnorm(e);
  q_lora_proj(e);
  q_lora_rmsnorm(e);
  if (bug != Scope1Bug::skip_q_proj) {
    q_head_proj(e);
    q_head_proj_write(e);
  }
  kv_a_proj(e);
  kv_a_write(e);
  if (c.fuse_per_batch_tail) {
    kv_rmsnorm(e);
    q_rope_cache_write_split(e);
  } else {
    q_rope(e);
    kv_rmsnorm(e);
    decode_cache_write(e);
    q_split(e);
  }
  return st;
}

}  // namespace tg::models::deepseek_v3_2
