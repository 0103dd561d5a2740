#pragma once
// Seeded draws for --jitter: a latency of mean x and relative spread s is drawn uniformly
// from x (1 - s) .. x (1 + s), so the mean stays the measured one. Without a seed every
// draw is the mean (the deterministic model). splitmix64: one multiply-xorshift per draw,
// the same sequence on every platform.
#include <cmath>
#include <cstdint>
#include <optional>

namespace tg::sim {

class Jitter {
 public:
  explicit Jitter(std::optional<std::uint64_t> seed) : on_(seed.has_value()), state_(seed.value_or(0)) {}

  bool on() const { return on_; }
  std::int64_t draw(std::int64_t mean_ns, double spread) {
    if (!on_ || spread == 0 || mean_ns == 0) return mean_ns;
    return std::llround(static_cast<double>(mean_ns) * factor(spread));
  }
  double scale(double mean, double spread) { return !on_ || spread == 0 ? mean : mean * factor(spread); }

 private:
  double factor(double spread) { return 1.0 + spread * (2.0 * unit() - 1.0); }
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
