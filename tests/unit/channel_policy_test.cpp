// gsmqd --channel-policy: parsing (every mistake named) and which policy a channel has.
#include "policy/channel_policy.h"

#include <gtest/gtest.h>

namespace gsmq::policy {
namespace {

std::string error_of(const std::string& text) {
  std::string error;
  EXPECT_FALSE(parse_channel_policy(text, error)) << text;
  return error;
}

TEST(ChannelPolicyTest, ParsesCriticalTimeAndLateHandling) {
  std::string error;
  auto p = parse_channel_policy("car/brake/* critical_time=10ms late_channel=car/late", error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->glob, "car/brake/*");
  EXPECT_EQ(p->critical_time_ms, 10);
  EXPECT_EQ(p->late_channel, "car/late");
  EXPECT_FALSE(p->deliver_late);
  EXPECT_TRUE(p->sets_late);
  p = parse_channel_policy("  video/*   late=deliver critical_time=2s ", error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->critical_time_ms, 2000);
  EXPECT_TRUE(p->deliver_late);
  p = parse_channel_policy("q critical_time=1ms", error);
  ASSERT_TRUE(p) << error;
  EXPECT_FALSE(p->sets_late);
}

TEST(ChannelPolicyTest, MistakesAreNamed) {
  EXPECT_EQ(error_of(""), "expected 'GLOB KEY=VALUE ...', e.g. 'alarms/* critical_time=10ms late=deliver'");
  EXPECT_EQ(error_of("q"), "no settings after \"q\" (critical_time, late, late_channel)");
  EXPECT_EQ(error_of("q critical_time"), "\"critical_time\": expected KEY=VALUE");
  EXPECT_EQ(error_of("q critical_time=soon"), "critical_time: \"soon\" is not a duration of at least 1ms (e.g. 10ms, 2s)");
  EXPECT_EQ(error_of("q critical_time=10us"), "critical_time: \"10us\" is not a duration of at least 1ms (e.g. 10ms, 2s)");
  EXPECT_EQ(error_of("q late=maybe"), "late: \"maybe\" is not deliver or dead-letter");
  EXPECT_EQ(error_of("q deadline=1s"), "unknown key \"deadline\" (critical_time, late, late_channel)");
  EXPECT_EQ(error_of("q late=deliver late_channel=x"),
            "late=deliver and late_channel: a late message is either delivered or moved, not both");
}

TEST(ChannelPolicyTest, TheFirstMatchingGlobWins) {
  std::string error;
  std::vector<ChannelPolicy> policies{*parse_channel_policy("car/brake critical_time=5ms", error),
                                      *parse_channel_policy("car/* critical_time=50ms", error)};
  EXPECT_EQ(channel_policy_for(policies, "car/brake")->critical_time_ms, 5);
  EXPECT_EQ(channel_policy_for(policies, "car/door")->critical_time_ms, 50);
  EXPECT_EQ(channel_policy_for(policies, "bus/door"), nullptr);
}

}  // namespace
}  // namespace gsmq::policy
