#include <gtest/gtest.h>

#include <thread>

#include "policy/rule_engine.h"

using gsmq::Message;
using gsmq::policy::RuleEngine;
using gsmq::policy::RuleStats;

namespace {
RuleEngine engine(const std::string& text) {
  std::string error;
  auto file = gsmq::policy::parse_rule_file(text, "rules.conf", error);
  EXPECT_TRUE(file.has_value()) << error;
  return RuleEngine(file ? std::move(*file) : gsmq::policy::RuleFile{});
}

Message on(const std::string& channel, const std::string& body = "{}") {
  Message m;
  m.channel = channel;
  m.body = body;
  return m;
}

const RuleStats& stats_of(const std::vector<RuleStats>& all, const std::string& rule) {
  for (const auto& s : all)
    if (s.rule == rule) return s;
  throw std::runtime_error("no rule " + rule);
}

const std::string kSensors =
    "ruleset classify all\n"
    "rule door   when channel ~ sensors/door/*   then set meta.kind = door\n"
    "rule motion when channel ~ sensors/motion/* then set meta.kind = motion\n"
    "rule sites  when channel ~ sensors/*        then set meta.site = {body.site}\n"
    "ruleset alarms first\n"
    "rule open   when meta.kind == door and body.state == open then priority 9, copy alarms/{meta.kind}\n"
    "rule moving when meta.kind == motion then priority 5\n"
    "rule any    when meta.kind exists then priority 1\n";
}  // namespace

TEST(RuleEngineTest, ClassifiesAndRaisesPriorities) {
  auto rules = engine(kSensors);
  Message door = on("sensors/door/1", R"({"state":"open","site":"lab"})");
  auto v = rules.apply(door, 0);
  EXPECT_EQ(door.meta["kind"], "door");
  EXPECT_EQ(door.meta["site"], "lab");
  EXPECT_EQ(door.priority, 9);
  EXPECT_TRUE(v.dropped_by.empty());
  EXPECT_EQ(v.matched, (std::vector<std::string>{"door", "sites", "open"}));  // first: "any" not reached
  ASSERT_EQ(v.copies.size(), 1u);
  EXPECT_EQ(v.copies[0].channel, "alarms/door");
  EXPECT_EQ(v.copies[0].priority, 9);
  EXPECT_EQ(v.copies[0].body, door.body);

  Message closed = on("sensors/door/1", R"({"state":"closed"})");
  v = rules.apply(closed, 0);
  EXPECT_EQ(closed.priority, 1);  // the first that matches in "alarms" is "any"
  EXPECT_EQ(closed.meta["site"], "");  // a missing field renders empty
  EXPECT_TRUE(v.copies.empty());

  Message motion = on("sensors/motion/2");
  rules.apply(motion, 0);
  EXPECT_EQ(motion.priority, 5);

  Message other = on("other");
  v = rules.apply(other, 0);
  EXPECT_TRUE(v.matched.empty());
  EXPECT_EQ(other, on("other"));  // untouched

  const auto stats = rules.stats();
  EXPECT_EQ(stats_of(stats, "door").hits, 2u);
  EXPECT_EQ(stats_of(stats, "open").hits, 1u);
  EXPECT_EQ(stats_of(stats, "any").hits, 1u);
  EXPECT_EQ(stats_of(stats, "any").set, "alarms");
  EXPECT_EQ(stats_of(stats, "any").line, 8u);
}

TEST(RuleEngineTest, AllMatchesApplyInOrderAndLaterRulesSeeEarlierChanges) {
  auto rules = engine(
      "rule a when channel == in then route mid, priority 2\n"
      "rule b when channel == mid then route out/{priority}\n"
      "rule c when channel == in then priority 7\n");
  Message m = on("in");
  const auto v = rules.apply(m, 0);
  EXPECT_EQ(m.channel, "out/2");
  EXPECT_EQ(m.priority, 2);
  EXPECT_EQ(v.matched, (std::vector<std::string>{"a", "b"}));
}

TEST(RuleEngineTest, ACopyIsTheMessageAsItWasWhenCopied) {
  auto rules = engine("rule a then copy audit, priority 8, set meta.x = 1, copy late\n");
  Message m = on("in");
  const auto v = rules.apply(m, 0);
  ASSERT_EQ(v.copies.size(), 2u);
  EXPECT_EQ(v.copies[0].priority, 0);
  EXPECT_EQ(v.copies[0].meta.count("x"), 0u);
  EXPECT_EQ(v.copies[1].channel, "late");
  EXPECT_EQ(v.copies[1].meta.at("x"), "1");
  EXPECT_EQ(m.channel, "in");
}

TEST(RuleEngineTest, DropEndsEvaluationAndKeepsEarlierCopies) {
  auto rules = engine(
      "rule audit then copy audit\n"
      "rule noise when body.level == debug then drop, priority 9\n"
      "rule after then priority 3\n");
  Message m = on("logs", R"({"level":"debug"})");
  const auto v = rules.apply(m, 0);
  EXPECT_EQ(v.dropped_by, "noise");
  EXPECT_EQ(m.priority, 0);  // nothing after the drop ran
  EXPECT_EQ(v.copies.size(), 1u);
  EXPECT_EQ(v.matched, (std::vector<std::string>{"audit", "noise"}));
  EXPECT_EQ(stats_of(rules.stats(), "noise").dropped, 1u);
  EXPECT_EQ(stats_of(rules.stats(), "after").hits, 0u);
}

TEST(RuleEngineTest, SampleKeepsOneInN) {
  auto rules = engine("rule s when channel == debug then sample 3\n");
  std::vector<bool> kept;
  for (int k = 0; k < 7; ++k) {
    Message m = on("debug");
    kept.push_back(rules.apply(m, 0).dropped_by.empty());
  }
  EXPECT_EQ(kept, (std::vector<bool>{true, false, false, true, false, false, true}));
  EXPECT_EQ(stats_of(rules.stats(), "s").hits, 7u);
  EXPECT_EQ(stats_of(rules.stats(), "s").dropped, 4u);
}

TEST(RuleEngineTest, LimitPassesTheRateAndAppliesItsElseActionToTheExcess) {
  auto rules = engine("rule flood when channel ~ t/* then limit 2/s burst 2 else route slow/{channel}\n");
  int64_t now = 1'000'000'000;
  auto pass = [&](int64_t at) {
    Message m = on("t/1");
    rules.apply(m, at);
    return m.channel == "t/1";
  };
  EXPECT_TRUE(pass(now));           // the burst: two tokens
  EXPECT_TRUE(pass(now));
  EXPECT_FALSE(pass(now));          // over: routed to slow/t/1
  EXPECT_FALSE(pass(now + 400'000));  // 0.8 tokens: still over
  EXPECT_TRUE(pass(now + 500'000));   // 1.0 token
  EXPECT_FALSE(pass(now + 500'000));
  EXPECT_TRUE(pass(now + 10'000'000));  // refilled, capped at the burst
  EXPECT_TRUE(pass(now + 10'000'000));
  EXPECT_FALSE(pass(now + 10'000'000));
  EXPECT_FALSE(pass(now + 1'000'000)) << "a time before the last fill adds nothing";
  const auto all = rules.stats();
  const auto& s = stats_of(all, "flood");
  EXPECT_EQ(s.hits, 10u);
  EXPECT_EQ(s.over_limit, 5u);
  EXPECT_EQ(s.dropped, 0u);
}

TEST(RuleEngineTest, LimitWithDropCountsTheDropped) {
  auto rules = engine("rule flood then limit 1/h else drop\n");
  Message a = on("x"), b = on("x");
  EXPECT_TRUE(rules.apply(a, 5).dropped_by.empty());
  EXPECT_EQ(rules.apply(b, 6).dropped_by, "flood");
  EXPECT_EQ(stats_of(rules.stats(), "flood").dropped, 1u);
  EXPECT_EQ(stats_of(rules.stats(), "flood").over_limit, 1u);
}

TEST(RuleEngineTest, CountersAndBucketsHoldUnderManyThreads) {
  auto rules = engine("rule s then sample 4\nrule l then limit 1/h burst 100 else drop\n");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int k = 0; k < 1000; ++k) {
        Message m = on("x");
        rules.apply(m, 1);
      }
    });
  for (auto& t : threads) t.join();
  const auto stats = rules.stats();
  EXPECT_EQ(stats_of(stats, "s").hits, 4000u);
  EXPECT_EQ(stats_of(stats, "s").dropped, 3000u);
  EXPECT_EQ(stats_of(stats, "l").hits, 1000u);
  EXPECT_EQ(stats_of(stats, "l").dropped, 900u);
}

TEST(RuleEngineTest, LateSaysWhatALateMessageBecomes) {
  auto rules = engine("ruleset s first\nrule v when channel ~ video/* then late deliver\n"
                      "rule b when channel ~ car/* then late to {channel}/late\nrule o then late dead-letter\n");
  Message video = on("video/cam1"), brake = on("car/brake"), other = on("x");
  other.deliver_late = true;
  rules.apply(video, 0);
  rules.apply(brake, 0);
  rules.apply(other, 0);
  EXPECT_EQ(video.deliver_late, true);
  EXPECT_FALSE(video.late_channel.has_value());
  EXPECT_EQ(brake.late_channel, "car/brake/late");
  EXPECT_FALSE(brake.deliver_late.has_value());
  EXPECT_FALSE(other.deliver_late.has_value());  // back to the default
}

TEST(RuleEngineTest, DeadlineSetsTheCriticalTime) {
  auto rules = engine("rule alarms when channel ~ alarms/* then deadline 10ms, priority 9\n");
  Message alarm = on("alarms/door"), bulk = on("telemetry");
  rules.apply(alarm, 0);
  rules.apply(bulk, 0);
  EXPECT_EQ(alarm.deadline_ms, 10);
  EXPECT_FALSE(bulk.deadline_ms.has_value());
}
