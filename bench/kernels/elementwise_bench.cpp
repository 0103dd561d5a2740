// Elementwise kernels on model-sized tiles, in GB/s against STREAM (memory bound: bytes
// read + written per call), on the default (best) path and the scalar path.
#include <benchmark/benchmark.h>

#include <functional>

#include "bench_support.hpp"
#include "kernels/kernels.hpp"

namespace tg::bench {
namespace {

using kernels::CpuPath;

struct Case {
  const char* name;
  double bytes;                 // read + written per call
  std::function<void()> run;    // one call
};

// Buffers live as long as the process: benchmarks are registered once.
std::vector<std::unique_ptr<Tensor>>& pool() {
  static std::vector<std::unique_ptr<Tensor>> p;
  return p;
}
View keep(std::unique_ptr<Tensor> b) {
  pool().push_back(std::move(b));
  return View(*pool().back());
}

std::vector<Case> cases() {
  std::vector<Case> out;
  {  // V3.2 input_rmsnorm: [16, 7168] bf16 -> bf16, fp32 gamma, 512-column chunks
    const View x = keep(random_buffer("hidden_states", DType::BF16, {16, 7168}, 1));
    const View g = keep(random_buffer("input_rms_weight", DType::FP32, {1, 7168}, 2));
    const View y = keep(random_buffer("normed_states", DType::BF16, {16, 7168}, 3));
    kernels::RmsNormOptions opt;
    opt.chunk_cols = 512;
    out.push_back({"rmsnorm_bf16/16x7168", 16.0 * 7168 * 4 + 7168 * 4, [=] { kernels::rmsnorm(x, g, y, opt); }});
  }
  {  // V3.2 q_rope over all heads at once: [16 * 128, 64] bf16, one table row per row
    const View x = keep(random_buffer("q_pe", DType::BF16, {2048, 64}, 4));
    const View c = keep(random_buffer("rope_cos", DType::FP32, {2048, 64}, 5));
    const View s = keep(random_buffer("rope_sin", DType::FP32, {2048, 64}, 6));
    out.push_back({"rope_half_split_bf16/2048x64", 2048.0 * 64 * (2 + 2 + 4 + 4),
                   [=] { kernels::rope(x, c, s, x, {kernels::RopeLayout::half_split}); }});
    out.push_back({"rope_interleaved_bf16/2048x64", 2048.0 * 64 * (2 + 2) + 2048.0 * 32 * 8,
                   [=] { kernels::rope(x, c, s, x, {kernels::RopeLayout::interleaved}); }});
  }
  {  // V4 qr quant: [128, 1536] fp32 -> int8 + scale
    const View x = keep(random_buffer("qr_n", DType::FP32, {128, 1536}, 7));
    const View q = keep(random_buffer("qr", DType::INT8, {128, 1536}, 8));
    const View s = keep(random_buffer("qr_scale", DType::FP32, {128, 1}, 9));
    out.push_back({"quantize_int8_rows/128x1536", 128.0 * 1536 * 5, [=] { kernels::quantize_int8_rows(x, q, s); }});
  }
  {  // V4 dequant: [8, 32768] int32 -> fp32 with row and channel scales
    const View acc = keep(random_buffer("q_i32", DType::INT32, {8, 32768}, 10));
    const View rs = keep(random_buffer("qr_scale", DType::FP32, {8, 1}, 11));
    const View cs = keep(random_buffer("wq_b_scale", DType::FP32, {32768}, 12));
    const View y = keep(random_buffer("q_full", DType::FP32, {8, 32768}, 13));
    out.push_back({"dequantize_int32/8x32768", 8.0 * 32768 * 8 + 32768 * 4,
                   [=] { kernels::dequantize_int32(acc, rs, cs, y); }});
  }
  {  // V4 attention scores: [64 heads, 128 slots] fp32 -> bf16 p + row sums
    const View x = keep(random_buffer("scores", DType::FP32, {512, 128}, 14));
    const View m = keep(random_buffer("m", DType::FP32, {512, 1}, 15));
    const View p = keep(random_buffer("p", DType::BF16, {512, 128}, 16));
    const View l = keep(random_buffer("l", DType::FP32, {512, 1}, 17));
    out.push_back({"exp_rows_to_bf16/512x128", 512.0 * 128 * 6, [=] {
                     kernels::row_max(x, m);
                     kernels::exp_rows(x, m, p, l);
                   }});
  }
  {  // cast fp32 -> bf16, round half away (the NPU cast default)
    const View x = keep(random_buffer("x", DType::FP32, {16, 24576}, 18));
    const View y = keep(random_buffer("y", DType::BF16, {16, 24576}, 19));
    out.push_back({"cast_fp32_to_bf16_round/16x24576", 16.0 * 24576 * 6,
                   [=] { kernels::cast(x, y, kernels::Rounding::round); }});
  }
  // Tiles larger than L2 (512 KB on the Zen 3 host, 1-2 MB elsewhere): the target is
  // >= 0.70 of STREAM on these; the small model-sized tiles above mostly run from cache.
  {
    const View x = keep(random_buffer("hidden_states", DType::BF16, {256, 7168}, 21));
    const View g = keep(random_buffer("input_rms_weight", DType::FP32, {1, 7168}, 22));
    const View y = keep(random_buffer("normed_states", DType::BF16, {256, 7168}, 23));
    kernels::RmsNormOptions opt;
    opt.chunk_cols = 512;
    out.push_back({"rmsnorm_bf16/256x7168", 256.0 * 7168 * 4 + 7168 * 4, [=] { kernels::rmsnorm(x, g, y, opt); }});
  }
  {
    const View x = keep(random_buffer("q_pe", DType::BF16, {16384, 64}, 24));
    const View c = keep(random_buffer("rope_cos", DType::FP32, {16384, 64}, 25));
    const View s = keep(random_buffer("rope_sin", DType::FP32, {16384, 64}, 26));
    out.push_back({"rope_half_split_bf16/16384x64", 16384.0 * 64 * (2 + 2 + 4 + 4),
                   [=] { kernels::rope(x, c, s, x, {kernels::RopeLayout::half_split}); }});
  }
  {
    const View x = keep(random_buffer("qr_n", DType::FP32, {1024, 1536}, 27));
    const View q = keep(random_buffer("qr", DType::INT8, {1024, 1536}, 28));
    const View s = keep(random_buffer("qr_scale", DType::FP32, {1024, 1}, 29));
    out.push_back({"quantize_int8_rows/1024x1536", 1024.0 * 1536 * 5, [=] { kernels::quantize_int8_rows(x, q, s); }});
  }
  {
    const View acc = keep(random_buffer("q_i32", DType::INT32, {64, 32768}, 30));
    const View rs = keep(random_buffer("qr_scale", DType::FP32, {64, 1}, 31));
    const View cs = keep(random_buffer("wq_b_scale", DType::FP32, {32768}, 32));
    const View y = keep(random_buffer("q_full", DType::FP32, {64, 32768}, 33));
    out.push_back({"dequantize_int32/64x32768", 64.0 * 32768 * 8 + 32768 * 4,
                   [=] { kernels::dequantize_int32(acc, rs, cs, y); }});
  }
  {
    const View x = keep(random_buffer("scores", DType::FP32, {4096, 128}, 34));
    const View m = keep(random_buffer("m", DType::FP32, {4096, 1}, 35));
    const View p = keep(random_buffer("p", DType::BF16, {4096, 128}, 36));
    const View l = keep(random_buffer("l", DType::FP32, {4096, 1}, 37));
    out.push_back({"exp_rows_to_bf16/4096x128", 4096.0 * 128 * 6, [=] {
                     kernels::row_max(x, m);
                     kernels::exp_rows(x, m, p, l);
                   }});
  }
  {
    const View x = keep(random_buffer("x", DType::FP32, {256, 24576}, 38));
    const View y = keep(random_buffer("y", DType::BF16, {256, 24576}, 39));
    out.push_back({"cast_fp32_to_bf16_round/256x24576", 256.0 * 24576 * 6,
                   [=] { kernels::cast(x, y, kernels::Rounding::round); }});
  }
  // The rows the list had no large tile for: interleaved RoPE (V4), the online merge
  // and the final divide of the attention, the scale of o_proj_b's output.
  {
    // Out of place: rotating the same row again and again by random (not unit) cos / sin
    // pairs shrinks it into subnormals, which is not what a model's rows look like.
    const View x = keep(random_buffer("q_pe", DType::BF16, {16384, 64}, 40));
    const View c = keep(random_buffer("rope_cos", DType::FP32, {16384, 32}, 41));
    const View s = keep(random_buffer("rope_sin", DType::FP32, {16384, 32}, 42));
    const View y = keep(random_buffer("q", DType::BF16, {16384, 64}, 55));
    out.push_back({"rope_interleaved_bf16/16384x64", 16384.0 * 64 * (2 + 2) + 16384.0 * 32 * 8,
                   [=] { kernels::rope(x, c, s, y, {kernels::RopeLayout::interleaved}); }});
  }
  {  // o [4096, 512] fp32 merged with a block's o_i: o read and written, o_i read (the m / l rows are small)
    const View m = keep(random_buffer("m", DType::FP32, {4096, 1}, 43)), l = keep(random_buffer("l", DType::FP32, {4096, 1}, 44));
    const View o = keep(random_buffer("o", DType::FP32, {4096, 512}, 45));
    const View mi = keep(random_buffer("m_i", DType::FP32, {4096, 1}, 46)), li = keep(random_buffer("l_i", DType::FP32, {4096, 1}, 47));
    const View oi = keep(random_buffer("o_i", DType::FP32, {4096, 512}, 48));
    out.push_back({"online_softmax_merge/4096x512", 4096.0 * 512 * 12 + 4096.0 * 16,
                   [=] { kernels::online_softmax_merge(m, l, o, mi, li, oi); }});
  }
  {
    const View x = keep(random_buffer("o", DType::FP32, {4096, 512}, 49));
    const View d = keep(random_buffer("denominator", DType::FP32, {4096, 1}, 50));
    const View y = keep(random_buffer("o_out", DType::BF16, {4096, 512}, 51));
    out.push_back({"divide_rows_to_bf16/4096x512", 4096.0 * 512 * 6 + 4096.0 * 4, [=] { kernels::divide_rows(x, d, y); }});
  }
  {  // o_proj_b's last step at T 64: fp32 sums times the channel scale, rounded to bf16
    const View x = keep(random_buffer("out", DType::FP32, {64, 32768}, 52));
    const View cs = keep(random_buffer("wo_b_scale", DType::FP32, {32768}, 53));
    const View y = keep(random_buffer("attn_out", DType::BF16, {64, 32768}, 54));
    out.push_back({"scale_cols_to_bf16/64x32768", 64.0 * 32768 * 6 + 32768 * 4, [=] { kernels::scale(x, View{}, cs, y); }});
  }
  return out;
}

void run_case(benchmark::State& state, const Case& c, CpuPath path) {
  if (!kernels::cpu_path_supported(path)) {
    state.SkipWithError("path not supported on this CPU");
    return;
  }
  kernels::ScopedCpuPath scoped(path);
  for (auto _ : state) {
    c.run();
    benchmark::ClobberMemory();
  }
  report_roofline(state, 0.0, c.bytes, 0.0, machine_limits().triad_gbs_1, "none");
}

const bool registered = [] {
  for (const Case& c : cases())
    for (CpuPath p : {kernels::default_cpu_path(), CpuPath::scalar}) {
      const std::string name = std::string("elementwise/") + c.name + "/" + std::string(kernels::name_of(p));
      benchmark::RegisterBenchmark(name.c_str(), [c, p](benchmark::State& s) { run_case(s, c, p); })
          ->Unit(benchmark::kMicrosecond);
    }
  return true;
}();

}  // namespace
}  // namespace tg::bench
