#include <gtest/gtest.h>

#include "policy/rule_file.h"

using gsmq::policy::Action;
using gsmq::policy::parse_rule_file;
using gsmq::policy::RuleSetSpec;

namespace {
std::string error_of(const std::string& text) {
  std::string error;
  EXPECT_FALSE(parse_rule_file(text, "rules.conf", error).has_value()) << text;
  return error;
}
}  // namespace

TEST(RuleFileTest, SetsRulesAndActions) {
  const std::string text =
      "# classify readings\n"
      "ruleset classify all\n"
      "rule door when channel ~ sensors/door/* then set meta.kind = door\n"
      "\n"
      "ruleset alarms first\n"
      "rule open when meta.kind == door and \\\n"
      "    body.state == open then priority 9, copy alarms/{channel}\n"
      "rule flood when channel ~ telemetry/* then limit 100/s burst 20 else route slow\n"
      "rule rest then sample 10, unset meta.tmp, route x, drop\n";
  std::string error;
  auto file = parse_rule_file(text, "rules.conf", error);
  ASSERT_TRUE(file) << error;
  ASSERT_EQ(file->sets.size(), 2u);
  EXPECT_EQ(file->rule_count(), 4u);
  EXPECT_EQ(file->sets[0].name, "classify");
  EXPECT_EQ(file->sets[0].mode, RuleSetSpec::Mode::all);
  EXPECT_EQ(file->sets[1].mode, RuleSetSpec::Mode::first);
  const auto& open = file->sets[1].rules[0];
  EXPECT_EQ(open.name, "open");
  EXPECT_EQ(open.line, 6u);  // a continued rule is named by its first line
  ASSERT_EQ(open.actions.size(), 2u);
  EXPECT_EQ(open.actions[0].kind, Action::Kind::priority);
  EXPECT_EQ(open.actions[0].number, 9);
  EXPECT_EQ(open.actions[1].kind, Action::Kind::copy);
  EXPECT_EQ(open.actions[1].value->text(), "alarms/{channel}");
  const auto& flood = file->sets[1].rules[1];
  EXPECT_EQ(flood.line, 8u);
  ASSERT_EQ(flood.actions.size(), 1u);
  EXPECT_EQ(flood.actions[0].kind, Action::Kind::limit);
  EXPECT_DOUBLE_EQ(flood.actions[0].per_second, 100);
  EXPECT_DOUBLE_EQ(flood.actions[0].burst, 20);
  EXPECT_EQ(flood.actions[0].over_limit->kind, Action::Kind::route);
  EXPECT_FALSE(file->sets[1].rules[2].when.has_value());
  EXPECT_EQ(file->sets[1].rules[2].actions.size(), 4u);
}

TEST(RuleFileTest, RulesBeforeAnyRulesetFormTheDefaultSet) {
  std::string error;
  auto file = parse_rule_file("rule a then priority 1\nrule b then priority 2\n", "f", error);
  ASSERT_TRUE(file) << error;
  ASSERT_EQ(file->sets.size(), 1u);
  EXPECT_EQ(file->sets[0].name, "default");
  EXPECT_EQ(file->sets[0].mode, RuleSetSpec::Mode::all);
  EXPECT_EQ(file->sets[0].rules.size(), 2u);
}

TEST(RuleFileTest, RatesPerSecondMinuteAndHour) {
  std::string error;
  auto file = parse_rule_file("rule a then limit 30/m else drop\nrule b then limit 0.5/s else drop\n", "f", error);
  ASSERT_TRUE(file) << error;
  EXPECT_DOUBLE_EQ(file->sets[0].rules[0].actions[0].per_second, 0.5);
  EXPECT_DOUBLE_EQ(file->sets[0].rules[0].actions[0].burst, 30);  // one period's worth
  EXPECT_DOUBLE_EQ(file->sets[0].rules[1].actions[0].per_second, 0.5);
  EXPECT_DOUBLE_EQ(file->sets[0].rules[1].actions[0].burst, 1);  // at least one token
}

TEST(RuleFileTest, BadFilesNameTheFileTheLineAndTheReason) {
  EXPECT_EQ(error_of("rule a then priority 1\nrule b then priority 10\n"),
            "rules.conf:2: priority \"10\": expected an integer 0-9");
  EXPECT_EQ(error_of("\n\nrule a when colour == red then drop\n"),
            "rules.conf:3: unknown field colour (channel, id, priority, ts, body, body.PATH, meta.KEY)");
  EXPECT_EQ(error_of("rule a then explode\n"),
            "rules.conf:1: at column 13: unknown action \"explode\" (priority, set, unset, route, copy, drop, sample, limit, deadline, late)");
  EXPECT_EQ(error_of("rule a then drop\nrule a then drop\n"), "rules.conf:2: rule a is defined twice (first at line 1)");
  EXPECT_EQ(error_of("ruleset s sometimes\n"), "rules.conf:1: at column 11: expected first or all after the rule set's name");
  EXPECT_EQ(error_of("rule a when channel == x drop\n"), "rules.conf:1: at column 26: expected and, or or then");
  EXPECT_EQ(error_of("rule a then limit 10/s\n"),
            "rules.conf:1: at column 23: expected else ACTION after the limit (what happens over it, e.g. else drop)");
  EXPECT_EQ(error_of("rule a then limit 10/s else limit 5/s else drop\n"),
            "rules.conf:1: at column 29: a limit's else action cannot be another limit");
  EXPECT_EQ(error_of("rule a then limit 10/s else drop, priority 1\n"), "rules.conf:1: limit must be the last action of its rule");
  EXPECT_EQ(error_of("rule a then limit ten else drop\n"),
            "rules.conf:1: \"ten\" is not a rate (a positive number per s, m or h, e.g. 100/s)");
  EXPECT_EQ(error_of("rule a then sample 0\n"), "rules.conf:1: sample \"0\": expected an integer N >= 1 (keep 1 in N)");
  EXPECT_EQ(error_of("rule a then set site = x\n"), "rules.conf:1: at column 17: expected meta.KEY, not \"site\"");
  EXPECT_EQ(error_of("rule a then route {body.x\n"), "rules.conf:1: unclosed { in \"{body.x\"");
  EXPECT_EQ(error_of("rule a then copy {colour}\n"),
            "rules.conf:1: unknown field {colour} in \"{colour}\" (channel, id, priority, ts, body, body.PATH, meta.KEY)");
  EXPECT_EQ(error_of("rule a then drop extra\n"), "rules.conf:1: at column 18: expected , or the end of the rule, not \"extra\"");
  EXPECT_EQ(error_of("when channel == x then drop\n"), "rules.conf:1: at column 1: expected ruleset or rule, not \"when channel == x then drop\"");
  EXPECT_EQ(error_of("rule a when channel == 'x then drop\n"), "rules.conf:1: at column 24: unclosed '");
}

TEST(RuleFileTest, AnUnreadableFileIsNamed) {
  std::string error;
  EXPECT_FALSE(gsmq::policy::load_rule_file("/nonexistent/rules.conf", error));
  EXPECT_EQ(error.rfind("/nonexistent/rules.conf: cannot read the rules file", 0), 0u) << error;
}

TEST(RuleFileTest, DeadlineTakesADurationOfAtLeastAMillisecond) {
  std::string error;
  auto file = parse_rule_file("rule a when channel ~ alarms/* then deadline 10ms\nrule b then deadline 2s\n", "f", error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->sets[0].rules[0].actions[0].kind, Action::Kind::deadline);
  EXPECT_EQ(file->sets[0].rules[0].actions[0].milliseconds, 10);
  EXPECT_EQ(file->sets[0].rules[1].actions[0].milliseconds, 2000);
  EXPECT_EQ(error_of("rule a then deadline soon\n"),
            "rules.conf:1: deadline \"soon\": expected a duration of at least 1ms, e.g. 10ms or 2s");
  EXPECT_EQ(error_of("rule a then deadline 10us\n"),
            "rules.conf:1: deadline \"10us\": expected a duration of at least 1ms, e.g. 10ms or 2s");
}

TEST(RuleFileTest, LateTakesDeliverDeadLetterOrToAChannel) {
  std::string error;
  auto file = parse_rule_file("rule a then late deliver\nrule b then late to {channel}/late\nrule c then late dead-letter\n",
                              "f", error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->sets[0].rules[0].actions[0].kind, Action::Kind::late);
  EXPECT_EQ(file->sets[0].rules[0].actions[0].number, 1);
  EXPECT_TRUE(file->sets[0].rules[1].actions[0].value.has_value());
  EXPECT_EQ(file->sets[0].rules[2].actions[0].number, 0);
  EXPECT_FALSE(file->sets[0].rules[2].actions[0].value.has_value());
  EXPECT_EQ(error_of("rule a then late soon\n"), "rules.conf:1: late \"soon\": expected deliver, dead-letter or to CHANNEL");
  EXPECT_EQ(error_of("rule a then late\n").rfind("rules.conf:1: ", 0), 0u);
}
