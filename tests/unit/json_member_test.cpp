// json_member_text: a member's value as written in an object's text, as nlohmann would
// resolve the member (escaped names decoded, the last duplicate wins).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "envelope/json_member.h"

namespace gsmq {
namespace {

TEST(JsonMemberTest, FindsTheValueTextWithoutTheSpacesAroundIt) {
  EXPECT_EQ(json_member_text(R"({"body":[1, 2]})", "body"), "[1, 2]");
  EXPECT_EQ(json_member_text(" {\n\"a\" : 1 ,\t\"body\" :\r\n {\"x\" : 12.50 }\n } ", "body"), R"({"x" : 12.50 })");
  EXPECT_EQ(json_member_text(R"({"body":-1.5e3})", "body"), "-1.5e3");
  EXPECT_EQ(json_member_text(R"({"body":"s}"})", "body"), R"("s}")");
  EXPECT_EQ(json_member_text(R"({"body":null,"x":1})", "body"), "null");
  EXPECT_EQ(json_member_text(R"({"body":true })", "body"), "true");
  EXPECT_EQ(json_member_text("\xEF\xBB\xBF{\"body\":[3]}", "body"), "[3]");
}

TEST(JsonMemberTest, OnlyTopLevelMembersAndNamesAfterTheirEscapes) {
  EXPECT_EQ(json_member_text(R"({"x":{"body":[9]},"y":"\"body\":[8]","body":[1],"bodyx":[7]})", "body"), "[1]");
  EXPECT_EQ(json_member_text(R"({"bo\u0064y":[1]})", "body"), "[1]");
  EXPECT_EQ(json_member_text(R"({"\u00e9":[1]})", "\xc3\xa9"), "[1]");
  EXPECT_EQ(json_member_text(R"({"\ud83d\ude00":[1]})", "\xf0\x9f\x98\x80"), "[1]");
  EXPECT_EQ(json_member_text(R"({"a\"b":[1]})", "a\"b"), "[1]");
  EXPECT_EQ(json_member_text(R"({"x":[{"a":"]}"}],"body":2})", "body"), "2");
  EXPECT_EQ(json_member_text(R"({"body":[1],"body":{"x":2}})", "body"), R"({"x":2})") << "the last one wins";
  EXPECT_EQ(json_member_text(R"({"x":1})", "body"), std::nullopt);
  EXPECT_EQ(json_member_text("{}", "body"), std::nullopt);
}

TEST(JsonMemberTest, NotAnObjectGivesNothing) {
  EXPECT_EQ(json_member_text("[1]", "body"), std::nullopt);
  EXPECT_EQ(json_member_text("", "body"), std::nullopt);
  EXPECT_EQ(json_member_text(R"({"body")", "body"), std::nullopt);
  EXPECT_EQ(json_member_text(R"({"body":[1,)", "body"), "[1,") << "unspecified, but inside the text";
}

TEST(JsonMemberTest, AgreesWithNlohmannOnRandomObjects) {
  static const char* names[] = {R"("body")", R"("bo\u0064y")", R"("\u0062ody")", R"("x")", R"("Body")", R"("body ")",
                                R"("\"body\"")"};
  static const char* values[] = {"1", "-0.50", "1E2", "true", "null", R"("body")", R"("}]")", "[]", "{}",
                                 R"({"body":[1]})", R"([1, {"a": "]"}, [[]]])", R"({ "b" : 2 , "a" : 12.50 })"};
  static const char* spaces[] = {"", " ", "\t", "\r\n", "  "};
  std::mt19937_64 rng(7);
  const auto pick = [&](const auto& list) { return std::string(list[rng() % std::size(list)]); };
  for (int i = 0; i < 20000; ++i) {
    std::string text = pick(spaces) + "{";
    for (auto n = rng() % 5; n > 0; --n)
      text += pick(spaces) + pick(names) + pick(spaces) + ":" + pick(spaces) + pick(values) + pick(spaces) + (n > 1 ? "," : "");
    text += "}" + pick(spaces);
    const auto doc = nlohmann::json::parse(text);  // the generator makes valid JSON
    const auto found = json_member_text(text, "body");
    ASSERT_EQ(found.has_value(), doc.contains("body")) << text;
    if (found) {
      ASSERT_EQ(nlohmann::json::parse(*found), doc["body"]) << text;
      ASSERT_FALSE(found->empty());
      ASSERT_NE(std::string(" \t\r\n").find(found->front()), 0u) << text;
      ASSERT_EQ(std::string(" \t\r\n").find(found->back()), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace gsmq
