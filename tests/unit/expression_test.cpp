#include <gtest/gtest.h>

#include "policy/expression.h"

using gsmq::Message;
using gsmq::policy::Expression;

namespace {
Expression expr(const std::string& text) {
  std::string error;
  auto e = Expression::parse(text, error);
  EXPECT_TRUE(e.has_value()) << error;
  if (!e) return *Expression::parse("channel exists", error);
  return *e;
}

std::string parse_error(const std::string& text) {
  std::string error;
  EXPECT_FALSE(Expression::parse(text, error).has_value()) << text;
  return error;
}

Message reading() {
  Message m;
  m.channel = "sensors/door/1";
  m.body = R"({"temp":31.5,"state":"open","alarm":true,"tags":["a","b"],"pos":{"lat":37.5},"none":null})";
  m.priority = 5;
  m.meta["site"] = "lab";
  m.meta["content-type"] = "application/json";
  return m;
}
}  // namespace

TEST(ExpressionTest, TheFilterFormWithoutBlanksStillWorks) {
  const Message m = reading();
  EXPECT_TRUE(expr("channel~sensors/*").matches(m));
  EXPECT_TRUE(expr("meta.site=lab").matches(m));
  EXPECT_TRUE(expr("body.temp>30").matches(m));
  EXPECT_FALSE(expr("priority>5").matches(m));
}

TEST(ExpressionTest, AndOrNotAndParentheses) {
  const Message m = reading();
  EXPECT_TRUE(expr("channel ~ sensors/* and body.temp > 30").matches(m));
  EXPECT_FALSE(expr("channel ~ sensors/* and body.temp > 40").matches(m));
  EXPECT_TRUE(expr("body.temp > 40 or meta.site == lab").matches(m));
  EXPECT_FALSE(expr("not meta.site == lab").matches(m));
  EXPECT_TRUE(expr("not (body.temp > 40 or meta.site == field)").matches(m));
  // and binds tighter than or: false or (true and true)
  EXPECT_TRUE(expr("priority == 1 or priority == 5 and meta.site == lab").matches(m));
  // not binds tighter than and
  EXPECT_TRUE(expr("not priority == 1 and meta.site == lab").matches(m));
  EXPECT_FALSE(expr("(priority == 1 or priority == 5) and meta.site == field").matches(m));
}

TEST(ExpressionTest, InExistsAndQuotedValues) {
  const Message m = reading();
  EXPECT_TRUE(expr("body.state in [closed, open]").matches(m));
  EXPECT_FALSE(expr("body.state in [closed, 'half open']").matches(m));
  EXPECT_TRUE(expr("priority in [1, 5.0]").matches(m));  // numbers as numbers
  EXPECT_TRUE(expr("meta.site exists").matches(m));
  EXPECT_TRUE(expr("exists body.pos.lat").matches(m));
  EXPECT_FALSE(expr("exists meta.nope").matches(m));
  EXPECT_FALSE(expr("body.none exists").matches(m));  // a JSON null counts as missing
  EXPECT_TRUE(expr("meta.content-type == \"application/json\"").matches(m));
  EXPECT_TRUE(expr("body.alarm == true").matches(m));
  Message spaced;
  spaced.body = "hello, (world)";
  EXPECT_TRUE(expr("body == 'hello, (world)'").matches(spaced));
  EXPECT_TRUE(expr(R"x(body == "hello, \(world)")x").matches(spaced));
}

TEST(ExpressionTest, RegularExpressions) {
  const Message m = reading();
  EXPECT_TRUE(expr("channel =~ ^sensors/(door|window)/[0-9]+$").matches(m));
  EXPECT_FALSE(expr("channel =~ ^sensors/motion").matches(m));
  EXPECT_TRUE(expr("channel =~ door").matches(m));  // found anywhere unless anchored
  EXPECT_TRUE(expr("channel !~ motion").matches(m));
  EXPECT_TRUE(expr("meta.nope !~ x").matches(m));  // missing: only the negative holds
  EXPECT_FALSE(expr("meta.nope =~ .*").matches(m));
  // RE2 runs in linear time: a pathological pattern over a long text finishes.
  Message big;
  big.body = std::string(100000, 'a');
  EXPECT_FALSE(expr("body =~ ^(a+)+b$").matches(big));
}

TEST(ExpressionTest, MissingFieldsAndBodiesThatAreNotJson) {
  Message m;
  m.body = "not json";
  EXPECT_FALSE(expr("body.temp > 0").matches(m));
  EXPECT_TRUE(expr("body.temp != 0").matches(m));
  EXPECT_FALSE(expr("body.temp in [0, 1]").matches(m));
  m.body = R"({"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(expr("body.a == x").matches(m));  // must not recurse 100,000 levels
}

TEST(ExpressionTest, BadExpressionsSayWhereAndWhy) {
  EXPECT_NE(parse_error("temp").find("FIELD OP VALUE"), std::string::npos);
  EXPECT_NE(parse_error("colour==red").find("unknown field colour"), std::string::npos);
  EXPECT_NE(parse_error("==x").find("column 1"), std::string::npos);
  EXPECT_NE(parse_error("channel == a and").find("column 17"), std::string::npos);
  EXPECT_NE(parse_error("channel == a extra").find("expected and, or or the end"), std::string::npos);
  EXPECT_NE(parse_error("(channel == a").find("expected )"), std::string::npos);
  EXPECT_NE(parse_error("channel in a, b").find("expected [ after in"), std::string::npos);
  EXPECT_NE(parse_error("channel in [a, b").find("expected , or ]"), std::string::npos);
  EXPECT_NE(parse_error("channel == 'open").find("unclosed '"), std::string::npos);
  EXPECT_NE(parse_error("channel =~ (").find("bad regular expression"), std::string::npos);
  EXPECT_NE(parse_error("channel ==").find("expected a value"), std::string::npos);
  EXPECT_NE(parse_error(std::string(200, '(') + "channel==a" + std::string(200, ')')).find("nested more than"),
            std::string::npos);
}

TEST(ExpressionTest, BareValuesEndAtBracketsTheyDidNotOpen) {
  Message m;
  m.channel = "a";
  EXPECT_TRUE(expr("(channel == a)").matches(m));
  EXPECT_TRUE(expr("(channel in [b, a])").matches(m));
  EXPECT_TRUE(expr("channel =~ ^(a|b)$").matches(m));
  EXPECT_TRUE(expr("(channel =~ ^(a|b)$)").matches(m));
  EXPECT_TRUE(expr("channel =~ [ab]").matches(m));
}
