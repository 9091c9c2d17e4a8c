// The MQ balancer's choice of daemon (endpoint/gsmqd_client/balance.h).
#include "endpoint/gsmqd_client/balance.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace gsmq::endpoint::gsmqd_client {
namespace {

const std::vector<std::string> kTargets = {"a:7878", "b:7878", "c:7878"};

TEST(BalanceTest, EachChannelHasOneDaemonAndTheSameOneEveryTime) {
  for (const char* channel : {"sensors/door", "sensors/temp", "x"}) {
    const auto p = preference(channel, kTargets);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p, preference(channel, kTargets)) << channel;
    EXPECT_NE(p[0], p[1]);
  }
}

TEST(BalanceTest, ChannelsSpreadOverTheDaemons) {
  std::map<size_t, int> owners;
  for (int i = 0; i < 3000; ++i) ++owners[preference("ch" + std::to_string(i), kTargets)[0]];
  ASSERT_EQ(owners.size(), 3u);
  for (const auto& [target, n] : owners) EXPECT_GT(n, 800) << target;  // about 1000 each
}

TEST(BalanceTest, ADaemonThatGoesAwayMovesOnlyItsOwnChannels) {
  // Without c, a channel goes to its first choice among a and b: a channel that had a or
  // b keeps it (rendezvous hashing), and c's channels spread over both.
  const std::vector<std::string> without_c = {"a:7878", "b:7878"};
  for (int i = 0; i < 1000; ++i) {
    const std::string ch = "ch" + std::to_string(i);
    const auto all = preference(ch, kTargets);
    const auto two = preference(ch, without_c);
    if (kTargets[all[0]] != "c:7878") EXPECT_EQ(without_c[two[0]], kTargets[all[0]]) << ch;
    else EXPECT_EQ(without_c[two[0]], kTargets[all[1]]) << ch;
  }
}

}  // namespace
}  // namespace gsmq::endpoint::gsmqd_client
