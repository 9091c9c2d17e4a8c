// ArrivalSchedule (gen/arrival_schedule.h): when an open-loop generator sends, at a
// constant rate or as a Poisson process.
#include <gtest/gtest.h>

#include <chrono>

#include "gen/arrival_schedule.h"

using namespace gsmq::gen;

TEST(ArrivalScheduleTest, ConstantRateSpacesSendsEvenly) {
  const auto start = gsmq::Clock::time_point{};
  ArrivalSchedule s(1000, false, start, 1);  // 1 ms apart
  EXPECT_EQ(s.next(), start);
  EXPECT_EQ(s.next(), start + std::chrono::milliseconds(1));
  for (int i = 2; i < 1000; ++i) s.next();
  EXPECT_EQ(s.next(), start + std::chrono::seconds(1));
}

TEST(ArrivalScheduleTest, PoissonKeepsTheMeanRate) {
  const auto start = gsmq::Clock::time_point{};
  ArrivalSchedule s(10000, true, start, 42);
  gsmq::Clock::time_point last{};
  for (int i = 0; i < 100000; ++i) last = s.next();
  const double seconds = std::chrono::duration<double>(last - start).count();
  EXPECT_NEAR(seconds, 10.0, 0.2);  // 100000 arrivals at 10000/s; sd of the sum is ~0.03 s
}
