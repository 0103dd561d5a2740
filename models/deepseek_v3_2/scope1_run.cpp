#include "models/deepseek_v3_2/scope1_run.hpp"

#include <fmt/format.h>

#include <cmath>

#include "models/common/inputs.hpp"
#include "models/common/registry.hpp"
#include "models/deepseek_v3_2/golden.hpp"
#include "models/deepseek_v3_2/tile_params.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v3_2 {
namespace {

Graph build_graph(const Scope1Config& config, Scope1Bug bug, Lint lint, std::shared_ptr<WeightPacks> packs) {
  Scope scope{"v32_decode_scope1"};
  const auto tensors = Scope1Tensors::declare(scope, config);
  build_scope1(scope, config, tensors, bug, std::move(packs));
  return scope.finalize({.lint = lint});
}

// cos / sin(p * theta_i), theta_i = 10000^(-2i/R) for i < R/2; the second half repeats.
void fill_rope_tables(const Tensor& cos_table, const Tensor& sin_table, std::int64_t max_seq, std::int64_t r) {
  float* cos_p = cos_table.data_as<float>();
  float* sin_p = sin_table.data_as<float>();
  for (std::int64_t p = 0; p < max_seq; ++p)
    for (std::int64_t i = 0; i < r / 2; ++i) {
      const double angle = static_cast<double>(p) * std::pow(10000.0, -2.0 * static_cast<double>(i) / static_cast<double>(r));
      for (std::int64_t half : {std::int64_t{0}, r / 2}) {
        cos_p[p * r + i + half] = static_cast<float>(std::cos(angle));
        sin_p[p * r + i + half] = static_cast<float>(std::sin(angle));
      }
    }
}

// One tensor of the run against its golden, judged by the rule of its dtype.
TensorStats judge(const TensorMap& g, const std::string& name, const golden::Tensor& expected) {
  const Tensor& buffer = g.tensor(name);
  return compare(name, buffer.dtype(), to_floats(buffer), expected, Tolerance::for_dtype(buffer.dtype()));
}

}  // namespace

Scope1Run::Scope1Run(const Scope1Config& config, Scope1Bug bug, Lint lint)
    : Scope1Run(config, bug, lint, std::make_shared<WeightPacks>()) {}

Scope1Run::Scope1Run(const Scope1Config& config, Scope1Bug bug, Lint lint, std::shared_ptr<WeightPacks> packs)
    : ModelRun(build_graph(config, bug, lint, packs)), config_(config), packs_(std::move(packs)) {}

void Scope1Run::inputs_bound() {
  if (packs_->size() > 0) packs_->pack(tensors());
}

Scope1Config Scope1Run::config_of(const ModelOptions& options) {
  auto config = Scope1Config::named(options.config);
  if (options.batch < 0) throw ConfigError(fmt::format("{}: --batch {} must be positive", kScope1ModelName, options.batch));
  if (options.batch > 0) config.batch = options.batch;
  if (options.mode == "fused" || options.mode == "host-fused") config.fuse_per_batch_tail = true;
  if (options.mode == "host" || options.mode == "host-fused") config.tiling = Tiling::host;
  if (!options.mode.empty() && options.mode != "staged" && options.mode != "fused" && options.mode != "host" &&
      options.mode != "host-fused")
    throw ConfigError(fmt::format("{}: unknown --mode '{}'; use staged (default: q_rope, decode_cache_write, q_split "
                                  "as separate tasks), fused (one task per batch row), host or host-fused (the same "
                                  "with the host tiling: wide projection tiles on weights packed once)",
                                  kScope1ModelName, options.mode));
  if (!options.preset.empty())
    throw ConfigError(fmt::format("{}: has no presets (got --preset {}); use --config small|full", kScope1ModelName, options.preset));
  scope1_tile_table().apply(config, options.tiles, kScope1ModelName);
  config.validate();
  return config;
}

Graph Scope1Run::graph_of(const ModelOptions& options) {
  return build_graph(config_of(options), parse_scope1_bug(options.plant_bug), options.lint, std::make_shared<WeightPacks>());
}

std::unique_ptr<Scope1Run> Scope1Run::make(const ModelOptions& options) {
  return std::make_unique<Scope1Run>(config_of(options), parse_scope1_bug(options.plant_bug), options.lint);
}

std::string Scope1Run::summary() const {
  return fmt::format("{} ({} config{}{}: {}): {} tasks, {} edges", kScope1ModelName, config_.name,
                     config_.fuse_per_batch_tail ? ", fused per-batch tail" : "",
                     config_.host_tiling() ? ", host tiling" : "", config_.describe(),
                     graph().num_tasks(), graph().edges().size());
}

void Scope1Run::generate_inputs(std::uint64_t seed) {
  const TensorMap& g = tensors();
  fill_uniform(g.tensor("hidden_states"), -1, 1, seed);
  for (const char* w : {"wq_a", "wq_b", "wkv_a"}) fill_uniform(g.tensor(w), -0.1, 0.1, seed);
  for (const char* w : {"input_rms_weight", "q_norm_weight", "kv_norm_weight"}) fill_uniform(g.tensor(w), -1, 1, seed);
  fill_uniform(g.tensor("seq_lens"), 1, static_cast<double>(config_.max_seq), seed);
  for (const char* cache : {"kv_cache", "pe_cache"}) fill_uniform(g.tensor(cache), -1, 1, seed);
  fill_rope_tables(g.tensor("rope_cos"), g.tensor("rope_sin"), config_.max_seq, config_.qk_rope_head_dim);
  inputs_bound();
}

std::vector<InputRange> Scope1Run::input_ranges() const {
  return {{"seq_lens", 1, config_.max_seq, fmt::format("[1, MAX_SEQ = {}]", config_.max_seq),
           "each decode token needs a position inside its cache segment"}};
}

PrecisionReport Scope1Run::check() const {
  const TensorMap& g = tensors();
  const Scope1Config& c = config_;
  auto in = [&](const char* name) { return to_floats(g.tensor(name)); };
  const auto seq_lens = to_ints(g.tensor("seq_lens"));
  const auto cos = in("rope_cos"), sin = in("rope_sin");
  const golden::Caches caches_before{before_run("kv_cache"), before_run("pe_cache")};
  const auto rows = golden::written_cache_rows(c, seq_lens);

  // The run's own tensors: the local check feeds each stage's golden with these.
  const auto normed = in("normed_states"), qr_fp32 = in("qr_fp32"), qr_out = in("qr_out"), q_proj = in("q_proj"),
             kv_a_out = in("kv_a_out"), kv_normed = in("kv_normed");

  // A golden stage run twice only when the end-to-end chain's input differs from the run's.
  auto reuse = [](const golden::Tensor& e2e_input, const golden::Tensor& run_input, const golden::Tensor& local,
                  auto&& compute) { return e2e_input == run_input ? local : compute(); };

  PrecisionReport report;
  report.title = std::string(kScope1ModelName) + " vs its golden (" + c.name + " config)";
  auto stage = [&](const char* name, std::vector<TensorStats> local, std::vector<TensorStats> e2e) {
    report.stages.push_back(StageCheck{name, std::move(local), std::move(e2e)});
  };

  // 1. input_rmsnorm: its inputs are scope inputs, so local and end to end coincide.
  const auto hidden = in("hidden_states");
  const auto g_normed = golden::input_rmsnorm(c, hidden, in("input_rms_weight"));
  stage("input_rmsnorm", {judge(g, "normed_states", g_normed)}, {judge(g, "normed_states", g_normed)});

  // 2. q_lora_proj.
  const auto wq_a = in("wq_a");
  const auto l_qr = golden::q_lora_proj(c, normed, wq_a);
  const auto e_qr = reuse(g_normed, normed, l_qr, [&] { return golden::q_lora_proj(c, g_normed, wq_a); });
  stage("q_lora_proj", {judge(g, "qr_fp32", l_qr)}, {judge(g, "qr_fp32", e_qr)});

  // 3. q_lora_rmsnorm.
  const auto q_norm_weight = in("q_norm_weight");
  const auto l_qr_out = golden::q_lora_rmsnorm(c, qr_fp32, q_norm_weight);
  const auto e_qr_out = golden::q_lora_rmsnorm(c, e_qr, q_norm_weight);
  stage("q_lora_rmsnorm", {judge(g, "qr_out", l_qr_out)}, {judge(g, "qr_out", e_qr_out)});

  // 4. q_head_proj + q_head_proj_write.
  const auto wq_b = in("wq_b");
  const auto l_q_fp32 = golden::q_head_proj_fp32(c, qr_out, wq_b);
  const auto e_q_fp32 = reuse(e_qr_out, qr_out, l_q_fp32, [&] { return golden::q_head_proj_fp32(c, e_qr_out, wq_b); });
  const auto e_q_proj = golden::round_bf16(e_q_fp32);
  stage("q_head_proj", {judge(g, "q_proj_fp32", l_q_fp32), judge(g, "q_proj", golden::round_bf16(l_q_fp32))},
        {judge(g, "q_proj_fp32", e_q_fp32), judge(g, "q_proj", e_q_proj)});

  // 5. kv_a_proj + kv_a_write.
  const auto wkv_a = in("wkv_a");
  const auto l_kv_fp32 = golden::kv_a_proj_fp32(c, normed, wkv_a);
  const auto e_kv_fp32 = reuse(g_normed, normed, l_kv_fp32, [&] { return golden::kv_a_proj_fp32(c, g_normed, wkv_a); });
  const auto e_kv_a_out = golden::round_bf16(e_kv_fp32);
  stage("kv_a_proj", {judge(g, "kv_a_fp32", l_kv_fp32), judge(g, "kv_a_out", golden::round_bf16(l_kv_fp32))},
        {judge(g, "kv_a_fp32", e_kv_fp32), judge(g, "kv_a_out", e_kv_a_out)});

  // 6. q_rope (with q_split when fused: then q_roped is never in GM and the outputs are
  // its first observable tensors).
  const bool fused = graph().find_buffer("q_roped") == nullptr;
  const auto l_q_roped = golden::q_rope(c, q_proj, seq_lens, cos, sin);
  const auto e_q_roped = golden::q_rope(c, e_q_proj, seq_lens, cos, sin);
  const auto e_split = golden::q_split(c, e_q_roped);
  auto judge_split = [&](const golden::QSplit& expected) {
    return std::vector<TensorStats>{judge(g, "q_nope_out", expected.q_nope_out), judge(g, "q_pe_out", expected.q_pe_out)};
  };
  if (fused)
    stage("q_rope+q_split", judge_split(golden::q_split(c, l_q_roped)), judge_split(e_split));
  else
    stage("q_rope", {judge(g, "q_roped", l_q_roped)}, {judge(g, "q_roped", e_q_roped)});

  // 7. kv_rmsnorm.
  const auto kv_norm_weight = in("kv_norm_weight");
  const auto l_kv_normed = golden::kv_rmsnorm(c, kv_a_out, kv_norm_weight);
  const auto e_kv_normed = golden::kv_rmsnorm(c, e_kv_a_out, kv_norm_weight);
  stage("kv_rmsnorm", {judge(g, "kv_normed", l_kv_normed)}, {judge(g, "kv_normed", e_kv_normed)});

  // 8. decode_cache_write: written rows by the bf16 rule, every other row bit-identical.
  auto judge_caches = [&](const golden::Caches& expected) {
    return std::vector<TensorStats>{
        compare_cache("kv_cache", BF16, to_floats(g.tensor("kv_cache")), expected.kv_cache, caches_before.kv_cache,
                      c.kv_lora_rank, rows, Tolerance::bf16()),
        compare_cache("pe_cache", BF16, to_floats(g.tensor("pe_cache")), expected.pe_cache, caches_before.pe_cache,
                      c.qk_rope_head_dim, rows, Tolerance::bf16())};
  };
  stage("decode_cache_write",
        judge_caches(golden::decode_cache_write(c, kv_normed, kv_a_out, seq_lens, cos, sin, caches_before)),
        judge_caches(golden::decode_cache_write(c, e_kv_normed, e_kv_a_out, seq_lens, cos, sin, caches_before)));

  // 9. q_split.
  if (!fused) stage("q_split", judge_split(golden::q_split(c, in("q_roped"))), judge_split(e_split));
  return report;
}

void register_models(std::vector<ModelEntry>& registry) {
  registry.push_back(ModelEntry{
      kScope1ModelName,
      "DeepSeek V3.2 decode front scope 1: RMSNorm, Q/KV projections, RoPE, cache write, --mode "
      "staged|fused|host|host-fused "
      "(spec: docs/models/v32_decode_scope1.md)",
      {"full", "small"},
      planted_bug_names<Scope1Bug>(kScope1Bugs),
      [](const ModelOptions& options) -> std::unique_ptr<ModelRun> { return Scope1Run::make(options); },
      [](const ModelOptions& options) { return scope1_tile_table().list(Scope1Run::config_of(options)); },
      [](const ModelOptions& options) { return Scope1Run::graph_of(options); },
      {"staged", "fused", "host", "host-fused"}});
}

}  // namespace tg::models::deepseek_v3_2
