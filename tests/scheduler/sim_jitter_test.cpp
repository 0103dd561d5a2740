// --jitter's draws: a two-piece uniform that keeps each measured min, mean and max
// (scheduler/sim/jitter.hpp), read from the machine file as a symmetric half-width or a
// skewed {"min", "max"} range.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "runtime/text_file.hpp"
#include "scheduler/sim/jitter.hpp"
#include "machine_json_error.hpp"

namespace {

using namespace tg;

struct Sample {
  double mean = 0;
  std::int64_t min = 0, max = 0;
};

Sample draws(std::int64_t mean_ns, const Machine::Spread& spread, int n, std::uint64_t seed) {
  sim::Jitter jitter(seed);
  Sample s{0, mean_ns, mean_ns};
  for (int i = 0; i < n; ++i) {
    const std::int64_t x = jitter.draw(mean_ns, spread);
    s.mean += static_cast<double>(x) / n;
    s.min = std::min(s.min, x);
    s.max = std::max(s.max, x);
  }
  return s;
}

// simpler, docs/investigations/2026-06-cond-vs-gm-notification.md: completion seen through
// the COND register avg 600 ns, min 180, max 2,020. The preset's FIN detection draws keep
// all three.
TEST(SimJitter, SkewedCompletionSignalKeepsTheMeasuredMinMeanAndMax) {
  const Machine m = load_machine("a2a3");
  ASSERT_EQ(m.fin_detect_ns, 600);
  EXPECT_NEAR(m.fin_detect_ns * m.jitter.fin_detect.low, 180, 0.5);
  EXPECT_NEAR(m.fin_detect_ns * m.jitter.fin_detect.high, 2020, 0.5);
  const Sample s = draws(m.fin_detect_ns, m.jitter.fin_detect, 200000, 11);
  EXPECT_NEAR(s.mean, 600, 600 * 0.005);
  EXPECT_GE(s.min, 180);
  EXPECT_LE(s.max, 2020);
  EXPECT_LT(s.min, 200);   // the range is used, not only its middle
  EXPECT_GT(s.max, 1950);
}

// simpler, docs/investigations/2026-06-aicore-cold-start-warmup.md: the first task's head
// overhead min / avg / max 0.32 / 2.29 / 5.64 us (pickup + cold start in the preset).
TEST(SimJitter, SkewedColdStartKeepsTheMeasuredMinMeanAndMax) {
  const Machine m = load_machine("a2a3");
  const std::int64_t head = m.pickup_ns + m.cold_start_ns;
  ASSERT_EQ(head, 2290);
  const Sample s = draws(head, m.jitter.cold_start, 200000, 5);
  EXPECT_NEAR(s.mean, 2290, 2290 * 0.005);
  EXPECT_GE(s.min, 320);
  EXPECT_LE(s.max, 5640);
}

TEST(SimJitter, SymmetricSpreadIsThePlainUniform) {
  const auto spread = Machine::Spread::symmetric(0.25);
  for (double u : {0.0, 0.1, 0.5, 0.75, 0.999}) EXPECT_NEAR(sim::Jitter::factor(spread, u), 0.75 + 0.5 * u, 1e-12);
  const Sample s = draws(1000, spread, 100000, 3);
  EXPECT_NEAR(s.mean, 1000, 5);
  EXPECT_GE(s.min, 750);
  EXPECT_LE(s.max, 1250);
}

TEST(SimJitter, NoSeedOrNoSpreadGivesTheMean) {
  sim::Jitter off(std::nullopt);
  EXPECT_EQ(off.draw(600, Machine::Spread{0.3, 3}), 600);
  sim::Jitter on(1);
  EXPECT_EQ(on.draw(600, Machine::Spread{}), 600);
}

std::string a2a3_with_jitter(const std::string& jitter) {
  std::string text = read_text_file(std::string(TG_SOURCE_DIR) + "/machines/a2a3.json", "machine file");
  const auto from = text.find("\"jitter\"");
  const auto to = text.find('}', text.find("\"kernel\"", from));
  return text.replace(from, to + 1 - from, "\"jitter\": " + jitter);
}


TEST(SimJitter, SkewedRangesAreReadAndChecked) {
  const Machine m = parse_machine_json(a2a3_with_jitter(R"({"head": 0.2, "fin_detect": {"min": 0.5, "max": 2}})"), "m.json");
  EXPECT_DOUBLE_EQ(m.jitter.head.low, 0.8);
  EXPECT_DOUBLE_EQ(m.jitter.fin_detect.low, 0.5);
  EXPECT_DOUBLE_EQ(m.jitter.fin_detect.high, 2);
  EXPECT_TRUE(m.jitter.kernel.none());
  EXPECT_NE(tg::testing::machine_json_error(a2a3_with_jitter(R"({"fin_detect": {"min": 1.5, "max": 2}})")).find("m.json: /jitter/fin_detect/min: must be"),
            std::string::npos);
  EXPECT_NE(tg::testing::machine_json_error(a2a3_with_jitter(R"({"fin_detect": {"min": 0.5, "max": 0.9}})")).find("/jitter/fin_detect/max"), std::string::npos);
  EXPECT_NE(tg::testing::machine_json_error(a2a3_with_jitter(R"({"fin_detect": {"min": 0.5, "max": 11}})")).find("/jitter/fin_detect/max"), std::string::npos);
  EXPECT_NE(tg::testing::machine_json_error(a2a3_with_jitter(R"({"fin_detect": {"min": 0.5}})")).find("/jitter/fin_detect/max: missing"), std::string::npos);
  EXPECT_NE(tg::testing::machine_json_error(a2a3_with_jitter(R"({"fin_detect": {"min": 0.5, "max": 2, "mean": 1}})")).find("/jitter/fin_detect/mean: unknown field"),
            std::string::npos);
  Machine bad = m;
  bad.jitter.head = Machine::Spread{1.2, 1.5};
  EXPECT_THROW(bad.validate(), ConfigError);
}

}  // namespace
