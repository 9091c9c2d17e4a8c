// Loop prevention (federation/hops.h).
#include "federation/hops.h"

#include <gtest/gtest.h>

namespace gsmq::federation {
namespace {

TEST(HopsTest, AMessageRecordsTheDaemonsItPassed) {
  std::map<std::string, std::string> meta;
  EXPECT_FALSE(crossed_a_link(meta));
  EXPECT_TRUE(hops_of(meta).empty());
  add_hop(meta, "node1");
  add_hop(meta, "cluster1");
  EXPECT_TRUE(crossed_a_link(meta));
  EXPECT_EQ(meta.at("gsmq.hops"), "node1,cluster1");
  EXPECT_EQ(hops_of(meta), (std::vector<std::string>{"node1", "cluster1"}));
}

TEST(HopsTest, NoEchoNoRingAndAMaximumOfHops) {
  const std::vector<std::string> hops{"a", "b"};
  EXPECT_FALSE(may_forward(hops, "c", "a", 8));  // back to where it came from
  EXPECT_FALSE(may_forward(hops, "a", "d", 8));  // it has been here before: a ring
  EXPECT_TRUE(may_forward(hops, "c", "d", 8));
  EXPECT_TRUE(may_forward(hops, "c", "d", 3));
  EXPECT_FALSE(may_forward(hops, "c", "d", 2));  // the hop c -> d would be the third
  EXPECT_TRUE(may_forward({}, "a", "b", 1));
}

}  // namespace
}  // namespace gsmq::federation
