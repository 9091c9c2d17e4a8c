// SlackHistogram: percentiles of slack (late ones negative) within the bucket precision.
#include "queue/slack_histogram.h"

#include <gtest/gtest.h>

namespace gsmq::queue {
namespace {

// Within 12.5% below the true value (a bucket reports its lower bound, in magnitude).
void expect_near(std::optional<Micros> got, Micros want) {
  ASSERT_TRUE(got.has_value());
  if (want >= 0) {
    EXPECT_LE(*got, want);
    EXPECT_GE(*got, want - want / 8);
  } else {
    EXPECT_GE(*got, want);
    EXPECT_LE(*got, want - want / 8);
  }
}

TEST(SlackHistogramTest, EmptyHasNoQuantile) {
  SlackHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_FALSE(h.quantile(0.5).has_value());
}

TEST(SlackHistogramTest, SmallValuesAreExact) {
  SlackHistogram h;
  for (Micros v : {1, 2, 3, 4, 5, 6, 7}) h.add(v);
  EXPECT_EQ(h.quantile(0.5), 4);
  EXPECT_EQ(h.quantile(0.01), 1);
  EXPECT_EQ(h.quantile(1), 7);
}

TEST(SlackHistogramTest, PercentilesOfAUniformSpreadWithLateOnes) {
  SlackHistogram h;
  for (Micros v = 1; v <= 9900; ++v) h.add(v * 1000);   // 1 ms .. 9.9 s of slack
  for (Micros v = 1; v <= 100; ++v) h.add(-v * 1000);   // 1% late, by up to 100 ms
  EXPECT_EQ(h.count(), 10000u);
  expect_near(h.quantile(0.5), 4900 * 1000);
  expect_near(h.quantile(0.99), 9800 * 1000);
  expect_near(h.quantile(0.01), -1000);       // the 100th latest: 1 ms late
  expect_near(h.quantile(0.0001), -100'000);  // the latest
  h.add(0);  // at the deadline is late, by nothing
  EXPECT_EQ(h.count(), 10001u);
}

TEST(SlackHistogramTest, HugeValuesSaturateInsteadOfOverflowing) {
  SlackHistogram h;
  h.add(INT64_MAX);
  h.add(INT64_MIN);
  EXPECT_GT(*h.quantile(1), Micros{1} << 41);
  EXPECT_LT(*h.quantile(0.5), -(Micros{1} << 41));
}

}  // namespace
}  // namespace gsmq::queue
