#pragma once
// Seeded draws for --jitter. A latency of mean x whose measured range is x·low .. x·high is
// drawn from a two-piece uniform: with probability p uniform on [x·low, x], otherwise on
// [x, x·high], where p = (high - 1) / (high - low) keeps the mean at x. A skewed range (the
// COND completion signal: min 180, mean 600, max 2,020 ns) so keeps its measured min, mean
// and max; a symmetric one (low = 1 - s, high = 1 + s) gives p = 1/2, the plain uniform.
// Without a seed every draw is the mean (the deterministic model). splitmix64: one
// multiply-xorshift per draw, the same sequence on every platform.
#include <cmath>
#include <cstdint>
#include <optional>

#include "runtime/machine.hpp"

namespace tg::sim {

class Jitter {
 public:
  using Spread = Machine::Spread;
  explicit Jitter(std::optional<std::uint64_t> seed) : on_(seed.has_value()), state_(seed.value_or(0)) {}

  bool on() const { return on_; }
  std::int64_t draw(std::int64_t mean_ns, const Spread& spread) {
    if (!on_ || spread.none() || mean_ns == 0) return mean_ns;
    return std::llround(static_cast<double>(mean_ns) * factor(spread));
  }
  double scale(double mean, const Spread& spread) { return !on_ || spread.none() ? mean : mean * factor(spread); }

  // A draw's multiple of the mean, from one uniform u in [0, 1).
  static double factor(const Spread& s, double u) {
    const double p = (s.high - 1) / (s.high - s.low);
    return u < p ? s.low + (1 - s.low) * (u / p) : 1 + (s.high - 1) * ((u - p) / (1 - p));
  }

 private:
  double factor(const Spread& s) { return factor(s, unit()); }
  double unit() {  // [0, 1)
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }
  bool on_;
  std::uint64_t state_;
};

}  // namespace tg::sim
