// The one rule for the channel a sink sends to (endpoint/sink_channel.h).
#include "endpoint/sink_channel.h"

#include <gtest/gtest.h>

namespace gsmq {
namespace {

TEST(SinkChannel, TheUrlsChannelWinsTemplatesAndDefaults) {
  EXPECT_EQ(sink_channel("readings", "sensors/door"), "readings");
  EXPECT_EQ(sink_channel("", "sensors/door"), "sensors/door");
  EXPECT_EQ(sink_channel("site1/{channel}", "sensors/door"), "site1/sensors/door");
  EXPECT_EQ(sink_channel("{channel}/{channel}", "x"), "x/x");
  EXPECT_EQ(sink_channel("a/{channel}", ""), "a/");
  EXPECT_EQ(sink_channel("", ""), "");
  EXPECT_EQ(sink_channel("{chan}", "x"), "{chan}");
}

TEST(SinkChannel, ThePlaceholderValueIsNotScannedAgain) {
  EXPECT_EQ(replace_channel_placeholder("p/{channel}/q", "{channel}"), "p/{channel}/q");
}

}  // namespace
}  // namespace gsmq
