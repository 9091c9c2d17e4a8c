// Forwarding rules of a federated gsmqd (federation/forward_rule.h).
#include "federation/forward_rule.h"

#include <gtest/gtest.h>

namespace gsmq::federation {
namespace {

ForwardRule rule(std::string_view text) {
  std::string error;
  auto r = parse_forward_rule(text, error);
  EXPECT_TRUE(r) << text << ": " << error;
  return r.value_or(ForwardRule{});
}

std::string refused(std::string_view text) {
  std::string error;
  EXPECT_FALSE(parse_forward_rule(text, error)) << text;
  return error;
}

TEST(ForwardRuleTest, FiltersMatchLikeMqtt) {
  std::vector<std::string> levels;
  std::string rest;
  EXPECT_TRUE(filter_matches("sensors/#", "sensors/door/1", &levels, &rest));
  EXPECT_EQ(rest, "door/1");
  EXPECT_TRUE(filter_matches("sensors/#", "sensors"));
  EXPECT_TRUE(filter_matches("cmd/+/#", "cmd/node7/reboot", &levels, &rest));
  EXPECT_EQ(levels, std::vector<std::string>{"node7"});
  EXPECT_EQ(rest, "reboot");
  EXPECT_TRUE(filter_matches("a/+", "a/b"));
  EXPECT_FALSE(filter_matches("a/+", "a/b/c"));
  EXPECT_FALSE(filter_matches("a/b", "a/c"));
  EXPECT_FALSE(filter_matches("a/b/c", "a/b"));
  EXPECT_TRUE(filter_matches("#", "anything/at/all"));
}

TEST(ForwardRuleTest, UpWithAPrefix) {
  const ForwardRule r = rule("up sensors/# as site1/{channel}");
  EXPECT_EQ(r.direction, Direction::up);
  EXPECT_EQ(r.kind, Kind::queue);
  const auto f = apply(r, Kind::queue, "sensors/door");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->channel, "site1/sensors/door");
  EXPECT_EQ(f->to, "");
  EXPECT_FALSE(apply(r, Kind::queue, "other/door"));
  EXPECT_FALSE(apply(r, Kind::store, "sensors/door"));  // another kind
}

TEST(ForwardRuleTest, DownToTheChildNamedInTheChannel) {
  const ForwardRule r = rule("down cmd/+/# to {1} as cmd/{rest}");
  const auto f = apply(r, Kind::queue, "cmd/node7/reboot/now");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->to, "node7");
  EXPECT_EQ(f->channel, "cmd/reboot/now");
}

TEST(ForwardRuleTest, PeerStoreRuleToOneNeighbour) {
  const ForwardRule r = rule("peer:store alerts/# to node-b");
  EXPECT_EQ(r.direction, Direction::peer);
  EXPECT_EQ(r.kind, Kind::store);
  const auto f = apply(r, Kind::store, "alerts/fire");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->to, "node-b");
  EXPECT_EQ(f->channel, "alerts/fire");
}

TEST(ForwardRuleTest, BadRulesNameWhatIsWrong) {
  EXPECT_EQ(refused("sideways a/#"), "\"sideways\": expected up, down or peer");
  EXPECT_EQ(refused("up:events a/#"), "\"events\": expected the kind queue or store");
  EXPECT_EQ(refused("up"), "expected DIRECTION FILTER [to NAME] [as TEMPLATE]");
  EXPECT_EQ(refused("up a/#/b"), "'#' must be the last level of \"a/#/b\"");
  EXPECT_EQ(refused("up a/b+"), "'+' and '#' stand for whole levels in \"a/b+\"");
  EXPECT_EQ(refused("up a/# to x"), "an up rule goes to the one upstream: no \"to\"");
  EXPECT_EQ(refused("down a/# to"), "\"to\" needs a value");
  EXPECT_EQ(refused("down a/# via x"), "\"via\": expected to NAME or as TEMPLATE");
  EXPECT_EQ(refused("down a/# as x as y"), "\"as\" is given twice");
  EXPECT_EQ(refused("down a/+/# to {2}"),
            "{2} in \"{2}\": expected {channel}, {rest} or {N} for one of the filter's 1 '+'");
  EXPECT_EQ(refused("up a/# as {nope}"), "{nope} in \"{nope}\": expected {channel}, {rest} or {N} for one of the filter's 0 '+'");
}

}  // namespace
}  // namespace gsmq::federation
