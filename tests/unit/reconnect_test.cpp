// The shared connection lifecycle (endpoint/reconnect.h).
#include "endpoint/reconnect.h"

#include <gtest/gtest.h>

namespace gsmq::endpoint {
namespace {

using namespace std::chrono_literals;

ReconnectSteps steps_failing(int failures, int& tries, std::vector<uint64_t>* reported = nullptr) {
  ReconnectSteps s;
  s.attempt = [&tries, failures]() -> std::optional<std::string> {
    if (++tries > failures) return std::nullopt;
    return "refused " + std::to_string(tries);
  };
  s.wait = [](Duration) { return false; };  // no real waiting in a unit test
  if (reported) s.failed = [reported](uint64_t n, const std::string&) { reported->push_back(n); };
  return s;
}

TEST(ReconnectTest, TriesUntilItConnects) {
  int tries = 0;
  std::vector<uint64_t> reported;
  EXPECT_EQ(reconnect(RetryPolicy{true, 0s}, Clock::now(), steps_failing(5, tries, &reported)), std::nullopt);
  EXPECT_EQ(tries, 6);
  EXPECT_EQ(reported, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

TEST(ReconnectTest, GivesUpOnceRetryForHasPassedSinceTheLoss) {
  int tries = 0;
  const auto lost_long_ago = Clock::now() - 1min;
  EXPECT_EQ(reconnect(RetryPolicy{false, 30s}, lost_long_ago, steps_failing(100, tries)), "refused 1");
  EXPECT_EQ(tries, 1);
  tries = 0;
  EXPECT_EQ(reconnect(RetryPolicy{true, 30s}, lost_long_ago, steps_failing(3, tries)), std::nullopt);  // ?retry
}

TEST(ReconnectTest, AnInterruptedWaitEndsIt) {
  int tries = 0;
  auto s = steps_failing(100, tries);
  int waits = 0;
  s.wait = [&waits](Duration) { return ++waits == 2; };
  EXPECT_EQ(reconnect(RetryPolicy{true, 0s}, Clock::now(), s), "refused 2 (interrupted)");
  EXPECT_EQ(tries, 2);
}

TEST(ReconnectTest, TheWaitsBackOff) {
  int tries = 0;
  auto s = steps_failing(6, tries);
  std::vector<Duration> waits;
  s.wait = [&waits](Duration d) {
    waits.push_back(d);
    return false;
  };
  ASSERT_EQ(reconnect(RetryPolicy{true, 0s}, Clock::now(), s), std::nullopt);
  ASSERT_EQ(waits.size(), 6u);
  for (size_t i = 1; i < waits.size(); ++i) EXPECT_GT(waits[i], waits[i - 1] * 1.3) << i;  // doubling, ±20%
}

}  // namespace
}  // namespace gsmq::endpoint
