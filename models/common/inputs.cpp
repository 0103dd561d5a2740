#include "models/common/inputs.hpp"

#include <cmath>

#include "runtime/error.hpp"

namespace tg::models {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

}  // namespace

SeededStream::SeededStream(std::uint64_t seed, std::string_view tensor_name) : state_(seed ^ fnv1a(tensor_name)) {
  splitmix64(state_);
}

std::uint64_t SeededStream::next_u64() { return splitmix64(state_); }

double SeededStream::uniform(double lo, double hi) {
  const double unit = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  return lo + (hi - lo) * unit;
}

std::int64_t SeededStream::uniform_int(std::int64_t lo, std::int64_t hi) {
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(next_u64() % span);  // bias below 2^-40 for our spans
}

void fill_uniform(const Tensor& buffer, double lo, double hi, std::uint64_t seed) {
  if (!(lo <= hi)) throw ConfigError("fill_uniform of '" + buffer.name() + "': empty range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  SeededStream stream(seed, buffer.name());
  const auto n = buffer.numel();
  switch (buffer.dtype()) {
    case DType::BF16: {
      auto* p = buffer.data_as<bf16>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = bf16(static_cast<float>(stream.uniform(lo, hi)));
      break;
    }
    case DType::FP16: {
      auto* p = buffer.data_as<fp16>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = fp16(static_cast<float>(stream.uniform(lo, hi)));
      break;
    }
    case DType::FP32: {
      auto* p = buffer.data_as<float>();
      for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(stream.uniform(lo, hi));
      break;
    }
    case DType::INT8: {
      auto* p = buffer.data_as<std::int8_t>();
      for (std::int64_t i = 0; i < n; ++i)
        p[i] = static_cast<std::int8_t>(stream.uniform_int(static_cast<std::int64_t>(std::ceil(lo)), static_cast<std::int64_t>(std::floor(hi))));
      break;
    }
    case DType::INT32: {
      auto* p = buffer.data_as<std::int32_t>();
      for (std::int64_t i = 0; i < n; ++i)
        p[i] = static_cast<std::int32_t>(stream.uniform_int(static_cast<std::int64_t>(std::ceil(lo)), static_cast<std::int64_t>(std::floor(hi))));
      break;
    }
  }
}

std::vector<float> to_floats(const Tensor& buffer) {
  const auto n = static_cast<std::size_t>(buffer.numel());
  std::vector<float> out(n);
  switch (buffer.dtype()) {
    case DType::BF16: {
      const auto* p = buffer.data_as<bf16>();
      for (std::size_t i = 0; i < n; ++i) out[i] = p[i].to_float();
      break;
    }
    case DType::FP16: {
      const auto* p = buffer.data_as<fp16>();
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(p[i]);
      break;
    }
    case DType::FP32: {
      const auto* p = buffer.data_as<float>();
      for (std::size_t i = 0; i < n; ++i) out[i] = p[i];
      break;
    }
    case DType::INT8: {
      const auto* p = buffer.data_as<std::int8_t>();
      for (std::size_t i = 0; i < n; ++i) out[i] = p[i];
      break;
    }
    case DType::INT32: {
      const auto* p = buffer.data_as<std::int32_t>();
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(p[i]);
      break;
    }
  }
  return out;
}

std::vector<std::int32_t> to_ints(const Tensor& buffer) {
  const auto* p = buffer.data_as<std::int32_t>();
  return std::vector<std::int32_t>(p, p + buffer.numel());
}

}  // namespace tg::models
