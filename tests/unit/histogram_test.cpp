// Histogram (gen/histogram.h): HDR-style latency counts, exact below 2048, their
// percentiles, merging, and the .hgrm percentile distribution.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "gen/histogram.h"

using namespace gsmq::gen;

TEST(HistogramTest, ExactBelow2048AndWithinATenthOfAPercentAbove) {
  Histogram h;
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 1000u);
  EXPECT_EQ(h.percentile(50), 500u);
  EXPECT_EQ(h.percentile(99), 990u);
  EXPECT_EQ(h.percentile(100), 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 500.5);

  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t v = rng() % (uint64_t(1) << 42);
    Histogram one;
    one.record(v);
    one.record(v + 1);  // keeps max above the bucket so percentile shows the bucket's top
    const auto p = one.percentile(50);
    EXPECT_LE(std::llabs(static_cast<long long>(p) - static_cast<long long>(v)), static_cast<long long>(v / 1000 + 1))
        << v;
  }
}

TEST(HistogramTest, PercentilesOfAKnownDistribution) {
  Histogram h;
  // 990 fast values (100 µs) and 10 slow ones (10 ms): p99 is fast, p99.9 slow.
  h.record(100'000, 990);
  h.record(10'000'000, 10);
  EXPECT_NEAR(static_cast<double>(h.percentile(99)), 100'000, 100);
  EXPECT_NEAR(static_cast<double>(h.percentile(99.9)), 10'000'000, 10'000);
  EXPECT_EQ(h.max(), 10'000'000u);
}

TEST(HistogramTest, MergeAddsCountsAndExtremes) {
  Histogram a, b;
  a.record(5);
  b.record(5000000);
  a.merge(b);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.min(), 5u);
  EXPECT_EQ(a.max(), 5000000u);
  Histogram empty;
  EXPECT_EQ(empty.percentile(99), 0u);
  EXPECT_EQ(empty.min(), 0u);
}

TEST(HistogramTest, PercentileDistributionEndsWithTheTotal) {
  Histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v * 1000);
  const std::string text = h.percentile_distribution(1000.0);
  EXPECT_NE(text.find("Value     Percentile TotalCount"), std::string::npos);
  EXPECT_NE(text.find("#[Total count    =          100]"), std::string::npos);
  EXPECT_NE(text.find("100.000 1.000000000000        100"), std::string::npos);
}

// The generator resets and merges its per-second histograms every second: a reset one is
// as new, and merging an empty or a reset one changes nothing.
TEST(HistogramTest, ResetAndMergeOfEmptyAndSparseHistograms) {
  Histogram a;
  EXPECT_EQ(a.percentile(99), 0u);
  a.merge(Histogram());
  EXPECT_EQ(a.count(), 0u);
  a.record(5'000'000);
  a.record(3);
  a.reset();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.max(), 0u);
  EXPECT_EQ(a.percentile(50), 0u);
  a.record(700);
  EXPECT_EQ(a.percentile(100), 700u);  // nothing of before the reset is left
  EXPECT_EQ(a.min(), 700u);

  Histogram total;
  total.merge(a);  // one value
  Histogram b;
  b.record(1);
  b.record(1ull << 40);
  total.merge(b);  // a wider range than the first merge's
  total.merge(Histogram());
  EXPECT_EQ(total.count(), 3u);
  EXPECT_EQ(total.percentile(1), 1u);
  EXPECT_EQ(total.percentile(50), 700u);
  EXPECT_NEAR(static_cast<double>(total.percentile(100)), static_cast<double>(1ull << 40), (1ull << 40) / 1000.0);
  b.reset();
  b.record(42);
  total.merge(b);
  EXPECT_EQ(total.count(), 4u);
  EXPECT_EQ(total.percentile(25), 1u);
  EXPECT_EQ(total.percentile(50), 42u);
}
