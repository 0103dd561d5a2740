// Run the host tile kernels on views the way model tasks do: RMSNorm a batch, project it with
// a K-chunked, column-tiled bf16 matmul, rotate part of the result, quantize it to int8 and
// multiply it back with an int8 matmul. Then force each CPU path and check the bits agree.
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.hpp"
#include "runtime/tensor.hpp"

namespace k = tg::kernels;

int main() {
  const std::int64_t batch = 4, hidden = 512, out = 256, rope_dim = 64, tile = 64, k_chunk = 128;
  auto make = [](const char* name, tg::DType t, tg::Shape s) {
    return std::make_unique<tg::Tensor>(name, t, std::move(s));
  };
  auto x = make("hidden_states", tg::BF16, {batch, hidden});
  auto gamma = make("rms_weight", tg::FP32, {1, hidden});
  auto w = make("w", tg::BF16, {hidden, out});
  auto cos = make("rope_cos", tg::FP32, {batch, rope_dim});
  auto sin = make("rope_sin", tg::FP32, {batch, rope_dim});
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (std::int64_t i = 0; i < x->numel(); ++i) x->data_as<tg::bf16>()[i] = tg::bf16(u(rng));
  for (std::int64_t i = 0; i < gamma->numel(); ++i) gamma->data_as<float>()[i] = u(rng);
  for (std::int64_t i = 0; i < w->numel(); ++i) w->data_as<tg::bf16>()[i] = tg::bf16(0.1f * u(rng));
  for (std::int64_t i = 0; i < cos->numel(); ++i) cos->data_as<float>()[i] = std::cos(0.01f * i);
  for (std::int64_t i = 0; i < sin->numel(); ++i) sin->data_as<float>()[i] = std::sin(0.01f * i);

  auto run = [&](k::CpuPath path) {
    k::ScopedCpuPath scoped(path);
    auto normed = make("normed", tg::BF16, {batch, hidden});
    auto proj = make("proj", tg::FP32, {batch, out});
    auto q = make("q", tg::INT8, {batch, out});
    auto q_scale = make("q_scale", tg::FP32, {batch, 1});
    k::RmsNormOptions norm;
    norm.chunk_cols = 128;
    k::rmsnorm(tg::View(*x), tg::View(*gamma), tg::View(*normed), norm);
    // One "task" per output tile, accumulating over K chunks in order.
    for (std::int64_t n0 = 0; n0 < out; n0 += tile)
      for (std::int64_t k0 = 0; k0 < hidden; k0 += k_chunk)
        k::matmul(tg::View(*normed).cols(k0, k_chunk), tg::View(*w).rows(k0, k_chunk).cols(n0, tile),
                  tg::View(*proj).cols(n0, tile), {k::BLayout::row_major, k0 > 0});
    k::rope(tg::View(*proj).cols(out - rope_dim, rope_dim), tg::View(*cos), tg::View(*sin),
            tg::View(*proj).cols(out - rope_dim, rope_dim), {k::RopeLayout::interleaved});
    k::quantize_int8_rows(tg::View(*proj), tg::View(*q), tg::View(*q_scale));
    // q @ q^T in int8 (a Gram matrix), then dequantized with the row scale on both sides.
    auto gram = make("gram", tg::INT32, {batch, batch});
    k::matmul(tg::View(*q), tg::View(*q), tg::View(*gram), {k::BLayout::transposed});
    std::printf("%-7s proj[0, 0:3] = %+.6f %+.6f %+.6f  q[0, 0:3] = %4d %4d %4d  gram[0, 1] = %d\n",
                std::string(k::name_of(path)).c_str(), proj->data_as<float>()[0], proj->data_as<float>()[1],
                proj->data_as<float>()[2], q->data_as<std::int8_t>()[0], q->data_as<std::int8_t>()[1],
                q->data_as<std::int8_t>()[2], gram->data_as<std::int32_t>()[1]);
    return std::vector<float>(proj->data_as<float>(), proj->data_as<float>() + proj->numel());
  };

  std::printf("default kernel path: %s\n", std::string(k::name_of(k::default_cpu_path())).c_str());
  const auto reference = run(k::CpuPath::scalar);
  for (k::CpuPath p : k::supported_cpu_paths())
    if (run(p) != reference) {
      std::printf("path %s differs from scalar\n", std::string(k::name_of(p)).c_str());
      return 1;
    }
  std::printf("all %zu paths agree bit for bit\n", k::supported_cpu_paths().size());
  return 0;
}
