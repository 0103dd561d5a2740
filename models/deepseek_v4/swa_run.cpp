#include "models/deepseek_v4/swa_run.hpp"

#include <fmt/format.h>

#include "models/common/inputs.hpp"
#include "models/deepseek_v4/demo_inputs.hpp"
#include "models/deepseek_v4/swa_attention.hpp"
#include "models/deepseek_v4/swa_golden.hpp"
#include "models/deepseek_v4/swa_indices.hpp"
#include "models/deepseek_v4/tile_params.hpp"
#include "models/deepseek_v4/tolerances.hpp"
#include "runtime/error.hpp"
#include "runtime/npy.hpp"

namespace tg::models::deepseek_v4 {

namespace {

Graph build_graph(const Config& cfg, SwaBug bug, Lint lint, std::shared_ptr<WeightPacks> packs) {
  Scope scope{"v4_swa_attention"};
  build_swa_attention(scope, cfg, SwaTensors::declare(scope, cfg), bug, std::move(packs));
  return scope.finalize({.lint = lint});
}

// BLOCKS from DIR/inputs/ori_kv.npy's header; 0 (the demo's count) when there is no such file
// or it is not [BLOCKS, 128, 1, HEAD_DIM]-like, so that load_inputs names what it expected.
std::int64_t cache_blocks_of_inputs(const std::filesystem::path& dir) {
  if (dir.empty()) return 0;
  const auto file = dir / "inputs" / "ori_kv.npy";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return 0;
  const auto header = read_npy_header(file);
  if (header.shape.size() != 4) return 0;
  const auto blocks = header.shape[0];
  auto refuse = [&](const std::string& text) {
    throw IoError(ErrorContext{.buffer = "ori_kv", .file = file.string(), .option = "--inputs"}, text, text);
  };
  if (blocks < 1 || blocks > kMaxCacheBlocks)
    refuse(fmt::format("{}: ori_kv holds {} cache blocks; expected [BLOCKS, {}, 1, HEAD_DIM] with BLOCKS from 1 to {}",
                       file.string(), blocks, kCacheBlockRows, kMaxCacheBlocks));
  // The graph's tensors are allocated before the data is read: a header claiming more than
  // the file holds is refused here, not after allocating it.
  const auto data_bytes = static_cast<std::uintmax_t>(numel_of(header.shape)) * size_of(header.dtype);
  if (std::filesystem::file_size(file, ec) < data_bytes || ec)
    refuse(fmt::format("{}: data truncated: shape {} needs {} bytes of data, the file is smaller", file.string(),
                       to_string(header.shape), data_bytes));
  return blocks;
}

std::vector<float> widen(std::span<const std::int8_t> codes) { return {codes.begin(), codes.end()}; }

}  // namespace

SwaAttentionRun::SwaAttentionRun(const Config& cfg, SwaBug bug, Lint lint)
    : SwaAttentionRun(cfg, bug, lint, std::make_shared<WeightPacks>()) {}

SwaAttentionRun::SwaAttentionRun(const Config& cfg, SwaBug bug, Lint lint, std::shared_ptr<WeightPacks> packs)
    : ModelRun(build_graph(cfg, bug, lint, packs)), cfg_(cfg), packs_(std::move(packs)) {}

void SwaAttentionRun::inputs_bound() {
  if (packs_->size() > 0) packs_->pack(tensors());
}

Config SwaAttentionRun::config_of(const ModelOptions& options, std::int64_t window, std::int64_t cache_blocks) {
  if (options.config != "small" && options.config != "full")
    throw ConfigError(fmt::format("{}: unknown config '{}'; use small or full", kSwaModelName, options.config));
  const bool host = options.mode == "host" || options.mode == "host-decode";
  if (!options.mode.empty() && options.mode != "decode" && !host)
    throw ConfigError(fmt::format("{}: mode '{}' not supported; SWA attention is a decode scope: use decode (the "
                                  "reference tiling) or host (also: host-decode; fewer, larger tasks for host cores)",
                                  kSwaModelName, options.mode));
  auto cfg = make_config(options.preset.empty() ? "flash" : options.preset, Mode::Decode, options.config == "small");
  if (host) cfg.tiling = Tiling::host;
  if (options.batch < 0) throw ConfigError(fmt::format("{}: --batch {} must be positive", kSwaModelName, options.batch));
  if (options.batch > 0) cfg.batch = options.batch;
  if (window > 0) cfg.dims.window = window;
  cfg.cache_blocks = cache_blocks > 0 ? cache_blocks : cache_blocks_of_inputs(options.inputs_dir);
  swa_tile_table().apply(cfg.tiles, options.tiles, kSwaModelName);
  cfg.validate();
  return cfg;
}

Graph SwaAttentionRun::graph_of(const ModelOptions& options) {
  // The graph a run builds: packs registered as the run registers them (their contents unused).
  return build_graph(config_of(options), parse_swa_bug(options.plant_bug), options.lint, std::make_shared<WeightPacks>());
}

std::unique_ptr<SwaAttentionRun> SwaAttentionRun::make(const ModelOptions& options, std::int64_t window,
                                                       std::int64_t cache_blocks) {
  const SwaBug bug = parse_swa_bug(options.plant_bug);
  return std::make_unique<SwaAttentionRun>(config_of(options, window, cache_blocks), bug, options.lint);
}

std::string SwaAttentionRun::summary() const {
  return fmt::format("{} ({} BLOCKS={}): {} tasks, {} edges", kSwaModelName, cfg_.describe(), swa_cache_blocks(cfg_),
                     graph().num_tasks(), graph().edges().size());
}

void SwaAttentionRun::generate_inputs(std::uint64_t seed) {
  fill_swa_inputs(tensors(), cfg_, seed);
  inputs_bound();
}

std::vector<InputRange> SwaAttentionRun::input_ranges() const {
  const auto W = cfg_.dims.window;
  return {{"swa_lens", 0, W, fmt::format("[0, WIN = {}]", W), "a token attends to at most WIN cache rows"}};
}

void SwaAttentionRun::check_input_rules() const {
  const SwaInputsView in = swa_inputs_view(tensors());
  check_swa_indices(in.swa_indices, in.swa_lens, cfg_.dims.window, swa_cache_blocks(cfg_) * kCacheBlockRows);
}

PrecisionReport SwaAttentionRun::check() const {
  const TensorMap& g = tensors();
  const SwaInputsView in = swa_inputs_view(g);
  const auto run_o = to_floats(g.tensor("o")), run_o_r = to_floats(g.tensor("o_r"));
  const auto run_codes_f = to_floats(g.tensor("o_r_i8")), run_scales = to_floats(g.tensor("o_r_scale_dq"));
  const auto run_out = to_floats(g.tensor("attn_out"));
  const auto run_codes = std::span<const std::int8_t>(g.tensor("o_r_i8").data_as<std::int8_t>(), run_codes_f.size());

  // The golden chained from the scope inputs.
  const auto e_o = swa_o_golden(cfg_, in);
  const auto e_o_r = o_r_golden(cfg_, in, e_o);
  std::vector<std::int8_t> e_codes;
  std::vector<float> e_scales;
  o_r_quant_golden(cfg_, e_o_r, e_codes, e_scales);
  const auto e_out = attn_out_golden(cfg_, in, e_codes, e_scales);
  // Each stage's golden on the run's own inputs of that stage.
  const auto l_o_r = o_r_golden(cfg_, in, run_o);
  std::vector<std::int8_t> l_codes;
  std::vector<float> l_scales;
  o_r_quant_golden(cfg_, run_o_r, l_codes, l_scales);
  const auto l_out = attn_out_golden(cfg_, in, run_codes, run_scales);

  PrecisionReport report;
  report.title = summary();
  auto stage = [&](const char* name, std::vector<TensorStats> local, std::vector<TensorStats> e2e) {
    report.stages.push_back(StageCheck{name, std::move(local), std::move(e2e)});
  };
  const auto o_check = compare("o", BF16, run_o, e_o, Tolerance::bf16());
  // Seed 004's lesson, shown: an untiled fp32 softmax is not the kernel's arithmetic.
  const auto o_untiled = compare("o vs untiled fp32 softmax", BF16, run_o, swa_o_untiled_fp32(cfg_, in), information_only());
  stage("swa_attention", {o_check}, {o_check, o_untiled});
  stage("o_proj_a", {compare("o_r", FP32, run_o_r, l_o_r, o_r_tolerance())},
        {compare("o_r", FP32, run_o_r, e_o_r, o_r_tolerance())});
  // End to end, a scale is an o_r element / 127 and inherits o_r's rule, not the local 1e-6.
  auto quant_checks = [&](const std::vector<std::int8_t>& codes, const std::vector<float>& scales,
                          const Tolerance& scale_rule) {
    auto checks = judge_int8_codes("o_r_i8", run_codes_f, widen(codes));
    checks.push_back(compare("o_r_scale_dq", FP32, run_scales, scales, scale_rule));
    return checks;
  };
  stage("o_r_quant", quant_checks(l_codes, l_scales, relative_1e6_tolerance()),
        quant_checks(e_codes, e_scales, o_r_tolerance()));
  stage("o_proj_b", {compare("attn_out", BF16, run_out, l_out, Tolerance::bf16())},
        {compare("attn_out", BF16, run_out, e_out, Tolerance::bf16())});
  return report;
}

}  // namespace tg::models::deepseek_v4
