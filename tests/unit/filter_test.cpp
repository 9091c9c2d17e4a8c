#include <gtest/gtest.h>

#include "pipeline/filter.h"

using gsmq::Message;
using gsmq::MessageFilter;

namespace {
MessageFilter filter(const std::string& text) {
  std::string error;
  auto f = MessageFilter::parse(text, error);
  EXPECT_TRUE(f.has_value()) << error;
  return *f;
}

Message reading() {
  Message m;
  m.channel = "sensors/door/1";
  m.body = R"({"temp":31.5,"state":"open","tags":["a","b"],"pos":{"lat":37.5}})";
  m.priority = 5;
  m.meta["site"] = "lab";
  return m;
}
}  // namespace

TEST(FilterTest, GlobMatching) {
  EXPECT_TRUE(gsmq::glob_match("sensors/*", "sensors/door/1"));
  EXPECT_TRUE(gsmq::glob_match("*door*", "sensors/door/1"));
  EXPECT_TRUE(gsmq::glob_match("sensors/?\?\?\?/1", "sensors/door/1"));
  EXPECT_FALSE(gsmq::glob_match("sensors/?", "sensors/door"));
  EXPECT_TRUE(gsmq::glob_match("", ""));
  EXPECT_FALSE(gsmq::glob_match("", "x"));
  EXPECT_TRUE(gsmq::glob_match("**", ""));
}

TEST(FilterTest, FieldsAndOperators) {
  const Message m = reading();
  EXPECT_TRUE(filter("channel~sensors/*").matches(m));
  EXPECT_FALSE(filter("channel~actuators/*").matches(m));
  EXPECT_TRUE(filter("meta.site==lab").matches(m));
  EXPECT_TRUE(filter("meta.site=lab").matches(m));
  EXPECT_FALSE(filter("meta.site!=lab").matches(m));
  EXPECT_TRUE(filter("body.temp>30").matches(m));
  EXPECT_FALSE(filter("body.temp>=32").matches(m));
  EXPECT_TRUE(filter("body.temp<=31.5").matches(m));
  EXPECT_TRUE(filter("body.state==open").matches(m));
  EXPECT_TRUE(filter("body.tags.1==b").matches(m));
  EXPECT_TRUE(filter("body.pos.lat<40").matches(m));
  EXPECT_TRUE(filter("priority>=5").matches(m));
  EXPECT_FALSE(filter("priority>5").matches(m));
}

TEST(FilterTest, NumbersCompareAsNumbersNotText) {
  Message m;
  m.body = R"({"n":10})";
  EXPECT_TRUE(filter("body.n>9").matches(m));  // as text "10" < "9"
}

TEST(FilterTest, MissingFieldsMatchOnlyNotEqual) {
  Message m;
  m.body = "not json";
  EXPECT_FALSE(filter("body.temp>0").matches(m));
  EXPECT_FALSE(filter("meta.site==lab").matches(m));
  EXPECT_TRUE(filter("meta.site!=lab").matches(m));
}

TEST(FilterTest, ABodyNestedTooDeepIsNotLookedInto) {
  Message m;
  m.body = R"({"a":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(filter("body.a==x").matches(m));  // must not recurse 100,000 levels
  EXPECT_TRUE(filter("body.a!=x").matches(m));
}

TEST(FilterTest, AllFiltersMustHold) {
  const Message m = reading();
  std::vector<MessageFilter> fs{filter("channel~sensors/*"), filter("body.temp>30")};
  EXPECT_TRUE(gsmq::matches_all(fs, m));
  fs.push_back(filter("meta.site==field"));
  EXPECT_FALSE(gsmq::matches_all(fs, m));
  EXPECT_TRUE(gsmq::matches_all({}, m));
}

TEST(FilterTest, BadExpressionsAreRejectedWithAReason) {
  std::string error;
  EXPECT_FALSE(MessageFilter::parse("temp", error));
  EXPECT_NE(error.find("FIELD OP VALUE"), std::string::npos);
  EXPECT_FALSE(MessageFilter::parse("colour==red", error));
  EXPECT_NE(error.find("unknown field colour"), std::string::npos);
  EXPECT_FALSE(MessageFilter::parse("==x", error));
}
