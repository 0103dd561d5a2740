#include "models/deepseek_v4/qkv_run.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/common/inputs.hpp"
#include "models/deepseek_v4/demo_inputs.hpp"
#include "models/deepseek_v4/qkv_golden.hpp"
#include "models/deepseek_v4/tile_params.hpp"
#include "models/deepseek_v4/tolerances.hpp"
#include "runtime/error.hpp"

namespace tg::models::deepseek_v4 {

namespace {

Graph build_graph(const Config& cfg, QkvBug bug, Lint lint, std::shared_ptr<WeightPacks> packs) {
  Scope scope{"v4_qkv_proj_rope"};
  build_qkv_proj_rope(scope, cfg, QkvTensors::declare(scope, cfg), bug, std::move(packs));
  return scope.finalize({.lint = lint});
}

std::vector<float> widen(std::span<const std::int8_t> codes) { return {codes.begin(), codes.end()}; }

}  // namespace

void apply_qkv_mode(std::string_view mode, Mode& run_mode, Tiling& tiling) {
  const bool host = mode == "host" || mode.starts_with("host-");
  const std::string_view rest = mode == "host" ? std::string_view("decode") : host ? mode.substr(5) : mode;
  if (rest != "decode" && rest != "prefill")
    throw ConfigError(fmt::format("{}: unknown --mode '{}'; use decode, prefill (the reference tiling) or host-decode "
                                  "(also: host), host-prefill (the host tiling: fewer, larger tasks on weights packed once)",
                                  kQkvModelName, mode));
  run_mode = parse_mode(rest);
  tiling = host ? Tiling::host : Tiling::reference;
}

QkvProjRopeRun::QkvProjRopeRun(const Config& cfg, QkvBug bug, Lint lint)
    : QkvProjRopeRun(cfg, bug, lint, std::make_shared<WeightPacks>()) {}

QkvProjRopeRun::QkvProjRopeRun(const Config& cfg, QkvBug bug, Lint lint, std::shared_ptr<WeightPacks> packs)
    : ModelRun(build_graph(cfg, bug, lint, packs)), cfg_(cfg), bug_(bug), packs_(std::move(packs)) {}

void QkvProjRopeRun::inputs_bound() {
  if (packs_->size() > 0) packs_->pack(tensors());
}

Config QkvProjRopeRun::config_of(const ModelOptions& options) {
  if (options.config != "small" && options.config != "full")
    throw ConfigError(fmt::format("{}: unknown config '{}'; use small or full", kQkvModelName, options.config));
  Mode mode = Mode::Decode;
  Tiling tiling = Tiling::reference;
  apply_qkv_mode(options.mode.empty() ? "decode" : options.mode, mode, tiling);
  auto cfg = make_config(options.preset.empty() ? "flash" : options.preset, mode, options.config == "small");
  cfg.tiling = tiling;
  if (options.batch < 0) throw ConfigError(fmt::format("{}: --batch {} must be positive", kQkvModelName, options.batch));
  if (options.batch > 0) cfg.batch = options.batch;
  qkv_tile_table().apply(cfg.tiles, options.tiles, kQkvModelName);
  cfg.validate();
  return cfg;
}

Graph QkvProjRopeRun::graph_of(const ModelOptions& options) {
  // The graph a run builds: packs registered as the run registers them (their contents unused).
  return build_graph(config_of(options), parse_qkv_bug(options.plant_bug), options.lint, std::make_shared<WeightPacks>());
}

std::unique_ptr<QkvProjRopeRun> QkvProjRopeRun::make(const ModelOptions& options) {
  return std::make_unique<QkvProjRopeRun>(config_of(options), parse_qkv_bug(options.plant_bug), options.lint);
}

std::string QkvProjRopeRun::summary() const {
  return fmt::format("{} ({}){}: {} tasks, {} edges", kQkvModelName, cfg_.describe(),
                     bug_ == QkvBug::none ? "" : " [planted bug]", graph().num_tasks(), graph().edges().size());
}

void QkvProjRopeRun::generate_inputs(std::uint64_t seed) {
  fill_qkv_inputs(tensors(), cfg_, seed);
  inputs_bound();
}

PrecisionReport QkvProjRopeRun::check() const {
  const TensorMap& g = tensors();
  const auto HD = cfg_.dims.head_dim;
  const QkvInputsView in = qkv_inputs_view(g);
  const QkvGolden gold = qkv_golden(cfg_, in);
  auto run = [&](const char* name) { return to_floats(g.tensor(name)); };
  const auto run_qr_codes = std::span<const std::int8_t>(g.tensor("qr").data_as<std::int8_t>(), gold.qr.size());
  const auto run_qr = run("qr"), run_qr_scale = run("qr_scale"), run_q = run("q");

  PrecisionReport report;
  report.title = summary();
  auto stage = [&](const char* name, std::vector<TensorStats> local, std::vector<TensorStats> e2e) {
    report.stages.push_back(StageCheck{name, std::move(local), std::move(e2e)});
  };
  // Stages whose inputs are all scope inputs: local and end to end coincide.
  const auto qr_partial = compare("qr_partial", FP32, run("qr_partial"),
                                  split_k_partials(cfg_, in.x, in.wq_a, cfg_.dims.hidden, cfg_.dims.q_lora), Tolerance::fp32());
  stage("qr_proj", {qr_partial}, {qr_partial});
  auto qr_checks = judge_int8_codes("qr", run_qr, widen(gold.qr));
  qr_checks.push_back(compare("qr_scale", FP32, run_qr_scale, gold.qr_scale, qr_scale_tolerance()));
  stage("qr_rms_norm_quant", qr_checks, qr_checks);

  // qproj from the run's qr / qr_scale (a legal one-step code difference moves a whole
  // projected row), end to end from the golden's. The wq_b_tile halves hold the K tiles of
  // the last two steps, copied exactly.
  const auto local_q = q_stages_from_qr(cfg_, in, run_qr_codes, run_qr_scale);
  const auto e2e_q = q_stages_from_qr(cfg_, in, gold.qr, gold.qr_scale);
  if (!cfg_.host_tiling()) q_stages_checks(report, local_q, e2e_q);
  // The spec's own rule for q: the whole tensor against steps 4-8 applied to the run's qr.
  stage("q (from the run's qr)", {compare("q", BF16, run_q, local_q.q, Tolerance::bf16())},
        {compare("q", BF16, run_q, e2e_q.q, Tolerance::bf16())});

  const auto kv_partial = compare("kv_partial", FP32, run("kv_partial"),
                                  split_k_partials(cfg_, in.x, in.wkv, cfg_.dims.hidden, HD), Tolerance::fp32());
  stage("kv_proj", {kv_partial}, {kv_partial});
  const auto kv = compare("kv", BF16, run("kv"), gold.kv, Tolerance::bf16());
  stage("kv_rms_norm_rope", {kv}, {kv});
  return report;
}

void QkvProjRopeRun::q_stages_checks(PrecisionReport& report, const QStages& local_q, const QStages& e2e_q) const {
  const TensorMap& g = tensors();
  const auto T = cfg_.tokens(), H = cfg_.dims.heads, HD = cfg_.dims.head_dim, NOPE = cfg_.dims.nope();
  const QkvInputsView in = qkv_inputs_view(g);
  auto run = [&](const char* name) { return to_floats(g.tensor(name)); };
  const auto run_q = run("q"), run_q_full = run("q_full"), run_q_pe_normed = run("q_pe_normed");
  auto stage = [&](const char* name, std::vector<TensorStats> local, std::vector<TensorStats> e2e) {
    report.stages.push_back(StageCheck{name, std::move(local), std::move(e2e)});
  };
  auto qproj_checks = [&](const QStages& expected) {
    std::vector<TensorStats> checks;
    const auto k_tile = cfg_.tiles.q_proj_k, steps = cfg_.dims.q_lora / k_tile, N = cfg_.dims.q_width();
    for (std::int64_t slot = 0; cfg_.tiles.qproj_pipeline && slot < std::min<std::int64_t>(2, steps); ++slot) {
      const auto step = (steps - 1) % 2 == slot ? steps - 1 : steps - 2;  // the last step that loaded it
      const auto name = "wq_b_tile[" + std::to_string(slot) + "]";
      const auto expected_tile = std::vector<float>(in.wq_b.begin() + step * k_tile * N, in.wq_b.begin() + (step + 1) * k_tile * N);
      checks.push_back(compare(name, INT8, run(name.c_str()), expected_tile, {0.0, 0.0, 0.0, "exact"}));
    }
    if (!expected.q_acc.empty()) checks.push_back(compare("q_acc", INT32, run("q_acc"), expected.q_acc, {0.0, 0.0, 0.0, "exact"}));
    checks.push_back(compare("q_full", FP32, run_q_full, expected.q_full, Tolerance::fp32()));
    return checks;
  };
  stage("qproj", qproj_checks(local_q), qproj_checks(e2e_q));

  // q's NOPE dims are written by q_head_norm, its ROPE dims by q_rope: masks split the tensor.
  std::vector<std::uint8_t> nope_mask(static_cast<std::size_t>(T * H * HD)), rope_mask(nope_mask.size());
  for (std::size_t i = 0; i < nope_mask.size(); ++i) {
    nope_mask[i] = static_cast<std::int64_t>(i) % HD < NOPE;
    rope_mask[i] = !nope_mask[i];
  }
  std::vector<float> head_q, head_pe;
  q_head_norm_golden(cfg_, run_q_full, head_q, head_pe);
  stage("q_head_norm",
        {compare("q", BF16, run_q, head_q, Tolerance::bf16(), nope_mask),
         compare("q_pe_normed", FP32, run_q_pe_normed, head_pe, Tolerance::fp32())},
        {compare("q", BF16, run_q, e2e_q.q, Tolerance::bf16(), nope_mask),
         compare("q_pe_normed", FP32, run_q_pe_normed, e2e_q.q_pe_normed, Tolerance::fp32())});
  std::vector<float> rope_q(static_cast<std::size_t>(T * H * HD), 0.0f);
  q_rope_golden(cfg_, in, run_q_pe_normed, rope_q);
  stage("q_rope", {compare("q", BF16, run_q, rope_q, Tolerance::bf16(), rope_mask)},
        {compare("q", BF16, run_q, e2e_q.q, Tolerance::bf16(), rope_mask)});
}

}  // namespace tg::models::deepseek_v4
