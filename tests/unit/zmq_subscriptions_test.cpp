// The subscriptions a PUB sink knows of, from XPUB subscription messages: subscribe and
// unsubscribe, prefix matching, and messages that are not subscriptions.
#include <gtest/gtest.h>

#include <string>

#include "endpoint/zmq/subscriptions.h"

namespace gsmq::endpoint::zmq {
namespace {

using namespace std::string_literals;

TEST(ZmqSubscriptions, NoneUntilASubscriptionArrives) {
  Subscriptions s;
  EXPECT_FALSE(s.any());
  EXPECT_FALSE(s.matches("alerts"));
  EXPECT_FALSE(s.matches(""));
}

TEST(ZmqSubscriptions, APrefixMatchesFirstFramesThatBeginWithIt) {
  Subscriptions s;
  EXPECT_TRUE(s.apply("\x01" "alerts/"s));
  EXPECT_TRUE(s.any());
  EXPECT_TRUE(s.matches("alerts/fire"));
  EXPECT_TRUE(s.matches("alerts/"));
  EXPECT_FALSE(s.matches("alerts"));
  EXPECT_FALSE(s.matches("noise"));
}

TEST(ZmqSubscriptions, TheEmptyPrefixMatchesEverything) {
  Subscriptions s;
  EXPECT_TRUE(s.apply("\x01"s));
  EXPECT_TRUE(s.matches(""));
  EXPECT_TRUE(s.matches("anything"));
}

TEST(ZmqSubscriptions, UnsubscribingTheLastPrefixLeavesNone) {
  Subscriptions s;
  s.apply("\x01" "a"s);
  s.apply("\x01" "b"s);
  EXPECT_TRUE(s.apply("\x00" "a"s));
  EXPECT_FALSE(s.matches("a1"));
  EXPECT_TRUE(s.matches("b1"));
  s.apply("\x00" "b"s);
  EXPECT_FALSE(s.any());
  EXPECT_TRUE(s.apply("\x00" "never subscribed"s));  // a subscription message, no change
  EXPECT_FALSE(s.any());
}

TEST(ZmqSubscriptions, OtherMessagesChangeNothing) {
  Subscriptions s;
  EXPECT_FALSE(s.apply(""));
  EXPECT_FALSE(s.apply("\x02" "x"s));
  EXPECT_FALSE(s.apply("plain"));
  EXPECT_FALSE(s.any());
}

}  // namespace
}  // namespace gsmq::endpoint::zmq
