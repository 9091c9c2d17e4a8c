#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "gen/arrival_schedule.h"
#include "gen/histogram.h"
#include "gen/payload_template.h"

using namespace gsmq::gen;

TEST(GenHistogram, ExactBelow2048AndWithinATenthOfAPercentAbove) {
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

TEST(GenHistogram, PercentilesOfAKnownDistribution) {
  Histogram h;
  // 990 fast values (100 µs) and 10 slow ones (10 ms): p99 is fast, p99.9 slow.
  h.record(100'000, 990);
  h.record(10'000'000, 10);
  EXPECT_NEAR(static_cast<double>(h.percentile(99)), 100'000, 100);
  EXPECT_NEAR(static_cast<double>(h.percentile(99.9)), 10'000'000, 10'000);
  EXPECT_EQ(h.max(), 10'000'000u);
}

TEST(GenHistogram, MergeAddsCountsAndExtremes) {
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

TEST(GenHistogram, PercentileDistributionEndsWithTheTotal) {
  Histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v * 1000);
  const std::string text = h.percentile_distribution(1000.0);
  EXPECT_NE(text.find("Value     Percentile TotalCount"), std::string::npos);
  EXPECT_NE(text.find("#[Total count    =          100]"), std::string::npos);
  EXPECT_NE(text.find("100.000 1.000000000000        100"), std::string::npos);
}

TEST(GenArrivalSchedule, ConstantRateSpacesSendsEvenly) {
  const auto start = gsmq::Clock::time_point{};
  ArrivalSchedule s(1000, false, start, 1);  // 1 ms apart
  EXPECT_EQ(s.next(), start);
  EXPECT_EQ(s.next(), start + std::chrono::milliseconds(1));
  for (int i = 2; i < 1000; ++i) s.next();
  EXPECT_EQ(s.next(), start + std::chrono::seconds(1));
}

TEST(GenArrivalSchedule, PoissonKeepsTheMeanRate) {
  const auto start = gsmq::Clock::time_point{};
  ArrivalSchedule s(10000, true, start, 42);
  gsmq::Clock::time_point last{};
  for (int i = 0; i < 100000; ++i) last = s.next();
  const double seconds = std::chrono::duration<double>(last - start).count();
  EXPECT_NEAR(seconds, 10.0, 0.2);  // 100000 arrivals at 10000/s; sd of the sum is ~0.03 s
}

TEST(GenTemplate, PlaceholdersRender) {
  std::string error;
  auto t = PayloadTemplate::parse("c{{client}} s{{seq}} t{{ts}} r{{rand 3 3}} f{{rand 1.5 1.5}} w{{choice x}}", error);
  ASSERT_TRUE(t) << error;
  std::mt19937_64 rng(1);
  EXPECT_EQ(t->render({7, 2, 1234}, rng), "c2 s7 t1234 r3 f1.50 wx");
  auto u = PayloadTemplate::parse("{{uuid}}", error);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->render({}, rng).size(), 36u);
}

TEST(GenTemplate, RandomValuesStayInRange) {
  std::string error;
  auto t = PayloadTemplate::parse("{{rand -5 5}}", error);
  ASSERT_TRUE(t);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) {
    const int v = std::stoi(t->render({}, rng));
    EXPECT_GE(v, -5);
    EXPECT_LE(v, 5);
  }
}

TEST(GenTemplate, BadTemplatesAreRejected) {
  std::string error;
  EXPECT_FALSE(PayloadTemplate::parse("{{nope}}", error));
  EXPECT_NE(error.find("unknown placeholder {{nope}}"), std::string::npos);
  EXPECT_FALSE(PayloadTemplate::parse("{{rand 5 1}}", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{rand a b}}", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{choice}}", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{seq", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{seq 1}}", error));
}

TEST(GenTemplate, ProfilesRenderValidJson) {
  std::mt19937_64 rng(9);
  for (const auto& name : profile_names()) {
    std::string error;
    auto t = PayloadTemplate::parse(*profile_template(name), error);
    ASSERT_TRUE(t) << name << ": " << error;
    for (int i = 0; i < 50; ++i) {
      const auto text = t->render({static_cast<uint64_t>(i), 3, 1700000000000000}, rng);
      EXPECT_FALSE(nlohmann::json::parse(text, nullptr, false).is_discarded()) << name << ": " << text;
    }
  }
  EXPECT_FALSE(profile_template("toaster"));
}

TEST(GenTemplate, FillerHasTheRequestedSize) {
  EXPECT_EQ(filler_body(0).size(), 0u);
  EXPECT_EQ(filler_body(4096).size(), 4096u);
}
