// MQTT topic names and filters: wildcards only as whole levels, none in a name.
#include "endpoint/mqtt/topic.h"

#include <gtest/gtest.h>

using namespace gsmq::endpoint::mqtt;

TEST(MqttTopic, NamesHaveNoWildcards) {
  EXPECT_TRUE(valid_topic_name("sensors/door"));
  EXPECT_TRUE(valid_topic_name("/leading/slash"));
  EXPECT_TRUE(valid_topic_name("a//b"));
  EXPECT_TRUE(valid_topic_name("$SYS-like/ok"));
  EXPECT_FALSE(valid_topic_name(""));
  EXPECT_FALSE(valid_topic_name("sensors/#"));
  EXPECT_FALSE(valid_topic_name("sensors/+/temp"));
  EXPECT_FALSE(valid_topic_name(std::string("a\0b", 3)));
}

TEST(MqttTopic, FiltersUseWildcardsAsWholeLevels) {
  EXPECT_TRUE(valid_topic_filter("#"));
  EXPECT_TRUE(valid_topic_filter("+"));
  EXPECT_TRUE(valid_topic_filter("sensors/#"));
  EXPECT_TRUE(valid_topic_filter("sensors/+/temp"));
  EXPECT_TRUE(valid_topic_filter("+/+/#"));
  EXPECT_TRUE(valid_topic_filter("$share/group/sensors/#"));
  EXPECT_TRUE(valid_topic_filter("plain"));
  EXPECT_FALSE(valid_topic_filter(""));
  EXPECT_FALSE(valid_topic_filter("sensors/#/more"));
  EXPECT_FALSE(valid_topic_filter("sensors#"));
  EXPECT_FALSE(valid_topic_filter("sen+sors"));
  EXPECT_FALSE(valid_topic_filter("a/b+"));
  EXPECT_FALSE(valid_topic_filter(std::string("a\0b", 3)));
}
