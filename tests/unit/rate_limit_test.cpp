// policy/rate_limit.h: the --rate-limit parser, the token bucket and the per-identity limits.
#include "policy/rate_limit.h"

#include <gtest/gtest.h>

namespace gsmq::policy {
namespace {

using Clock = TokenBucket::Clock;
using std::chrono::milliseconds;

RateLimit parse(std::string_view text) {
  std::string error;
  auto l = parse_rate_limit(text, error);
  EXPECT_TRUE(l) << text << ": " << error;
  return l ? *l : RateLimit{};
}

std::string parse_error(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_rate_limit(text, error)) << text;
  return error;
}

TEST(RateLimitParse, RatePerSecondOrMinuteAndBurst) {
  auto l = parse("alice=10/s:20");
  EXPECT_EQ(l.who, "alice");
  EXPECT_DOUBLE_EQ(l.per_second, 10);
  EXPECT_DOUBLE_EQ(l.burst, 20);
  l = parse("sensor-*=120/m");
  EXPECT_EQ(l.who, "sensor-*");
  EXPECT_DOUBLE_EQ(l.per_second, 2);
  EXPECT_DOUBLE_EQ(l.burst, 2);  // one second's worth
  l = parse("*=0.5");
  EXPECT_DOUBLE_EQ(l.per_second, 0.5);
  EXPECT_DOUBLE_EQ(l.burst, 1);  // at least one message
  EXPECT_EQ(parse("bob=2.5:3").text, "bob=2.5:3");
}

TEST(RateLimitParse, BadPartsAreNamed) {
  EXPECT_NE(parse_error("alice").find("expected WHO=RATE"), std::string::npos);
  EXPECT_NE(parse_error("=10").find("WHO \"\""), std::string::npos);
  EXPECT_NE(parse_error("a b=10").find("WHO \"a b\""), std::string::npos);
  EXPECT_NE(parse_error("@ops=10").find("WHO"), std::string::npos);
  EXPECT_NE(parse_error("alice=").find("RATE \"\""), std::string::npos);
  EXPECT_NE(parse_error("alice=ten/s").find("RATE \"ten\""), std::string::npos);
  EXPECT_NE(parse_error("alice=0").find("RATE \"0\""), std::string::npos);
  EXPECT_NE(parse_error("alice=-1/s").find("RATE \"-1\""), std::string::npos);
  EXPECT_NE(parse_error("alice=10/h").find("RATE \"10/h\""), std::string::npos);
  EXPECT_NE(parse_error("alice=inf").find("RATE"), std::string::npos);
  EXPECT_NE(parse_error("alice=10:").find("BURST is empty"), std::string::npos);
  EXPECT_NE(parse_error("alice=10:0").find("BURST \"0\""), std::string::npos);
  EXPECT_NE(parse_error("alice=10:1.5").find("BURST \"1.5\""), std::string::npos);
  EXPECT_NE(parse_error("alice=10:x").find("BURST \"x\""), std::string::npos);
}

TEST(TokenBucket, StartsFullRefillsAtTheRateAndNeverAboveTheBurst) {
  const auto t0 = Clock::now();
  TokenBucket b(10, 5, t0);
  EXPECT_TRUE(b.take(5, t0));
  EXPECT_FALSE(b.take(1, t0));
  EXPECT_FALSE(b.take(1, t0 + milliseconds(50)));  // half a token
  EXPECT_TRUE(b.take(1, t0 + milliseconds(100)));
  EXPECT_DOUBLE_EQ(b.tokens(t0 + std::chrono::seconds(60)), 5);  // capped at the burst
  EXPECT_FALSE(b.take(6, t0 + std::chrono::seconds(61)));        // more than the burst: never
  EXPECT_DOUBLE_EQ(b.tokens(t0 + std::chrono::seconds(61)), 5);  // a refused take takes nothing
}

TEST(TokenBucket, TakeUpToTakesWholeTokensOnly) {
  const auto t0 = Clock::now();
  TokenBucket b(1, 3, t0);
  EXPECT_EQ(b.take_up_to(10, t0), 3u);
  EXPECT_EQ(b.take_up_to(10, t0 + milliseconds(1500)), 1u);  // 1.5 tokens: one
  EXPECT_EQ(b.take_up_to(10, t0 + milliseconds(2000)), 1u);  // 0.5 + 0.5
  EXPECT_EQ(b.take_up_to(10, t0 + milliseconds(2000)), 0u);
}

TEST(TokenBucket, ClockGoingBackDoesNotAddTokens) {
  const auto t0 = Clock::now();
  TokenBucket b(100, 1, t0);
  EXPECT_TRUE(b.take(1, t0));
  EXPECT_FALSE(b.take(1, t0 - std::chrono::seconds(1)));
}

TEST(RateLimits, FirstMatchWinsEachIdentityHasItsOwnBucket) {
  std::string error;
  RateLimits limits({*parse_rate_limit("admin=1000", error), *parse_rate_limit("sensor-*=2:2", error)});
  const auto t0 = Clock::now();
  const RateLimit* limit = nullptr;
  EXPECT_EQ(limits.admit("sensor-1", 3, false, limit, t0), 2u);
  ASSERT_NE(limit, nullptr);
  EXPECT_EQ(limit->who, "sensor-*");
  EXPECT_EQ(limits.admit("sensor-2", 2, true, limit, t0), 2u);   // a bucket of its own
  EXPECT_EQ(limits.admit("sensor-2", 1, true, limit, t0), 0u);
  EXPECT_EQ(limits.admit("sensor-1", 1, true, limit, t0 + milliseconds(500)), 1u);
  EXPECT_EQ(limits.admit("other", 1000000, true, limit, t0), 1000000u);  // no limit matches
  EXPECT_EQ(limit, nullptr);
  EXPECT_EQ(limits.admit("admin", 1000, true, limit, t0), 1000u);
  EXPECT_EQ(limits.admit("admin", 1, true, limit, t0), 0u);
  EXPECT_EQ(rate_limit_refusal("admin", *limit),
            "rate limit: \"admin\" may send 1000 messages/s, burst 1000 (gsmqd --rate-limit admin=1000)");
}

TEST(RateLimits, AllOrNothingTakesNothingWhenTooFew) {
  std::string error;
  RateLimits limits({*parse_rate_limit("*=1:5", error)});
  const auto t0 = Clock::now();
  const RateLimit* limit = nullptr;
  EXPECT_EQ(limits.admit("a", 6, true, limit, t0), 0u);
  EXPECT_EQ(limits.admit("a", 5, true, limit, t0), 5u);
}

}  // namespace
}  // namespace gsmq::policy
