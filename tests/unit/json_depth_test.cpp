// json_depth_within: the nesting guard in front of everything that recurses on JSON.
#include <gtest/gtest.h>

#include <string>

#include "envelope/json_depth.h"

namespace gsmq {
namespace {

std::string nested(size_t depth, const std::string& open = "[", const std::string& close = "]") {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += open;
  for (size_t i = 0; i < depth; ++i) s += close;
  return s;
}

TEST(JsonDepthTest, CountsArraysAndObjects) {
  EXPECT_TRUE(json_depth_within("42", 0));
  EXPECT_TRUE(json_depth_within("\"text\"", 0));
  EXPECT_TRUE(json_depth_within("", 0));
  EXPECT_FALSE(json_depth_within("[]", 0));
  EXPECT_TRUE(json_depth_within("[]", 1));
  EXPECT_TRUE(json_depth_within(R"({"a":[1],"b":{"c":2}})", 2));
  EXPECT_FALSE(json_depth_within(R"({"a":[1],"b":{"c":{}}})", 2));
  EXPECT_TRUE(json_depth_within("[[],[],[[]]]", 3)) << "siblings do not add up";
  EXPECT_FALSE(json_depth_within("[[],[],[[]]]", 2));
  // The text's nesting, not the DOM's: a deeper value replaced by a later duplicate
  // still counts (found by json_scan_fuzz, whose first reference took the DOM's depth).
  EXPECT_FALSE(json_depth_within(R"({"a":{"k":[1]},"a":null})", 2));
  EXPECT_TRUE(json_depth_within(R"({"a":{"k":[1]},"a":null})", 3));
}

TEST(JsonDepthTest, ExactlyAtTheLimitPassesOneMoreDoesNot) {
  EXPECT_TRUE(json_depth_within(nested(128), 128));
  EXPECT_FALSE(json_depth_within(nested(129), 128));
  EXPECT_TRUE(json_depth_within(nested(128, "{\"k\":", "}"), 128));
  EXPECT_FALSE(json_depth_within(nested(129, "{\"k\":", "}"), 128));
}

TEST(JsonDepthTest, BracketsInsideStringsDoNotCount) {
  EXPECT_TRUE(json_depth_within(R"(["[[[[", "{{{{"])", 1));
  EXPECT_TRUE(json_depth_within(R"({"[[[[":"]]]]"})", 1));
  EXPECT_TRUE(json_depth_within(R"(["a\"[[[["])", 1)) << "an escaped quote does not end the string";
  EXPECT_FALSE(json_depth_within(R"(["a\\",[[1]]])", 2)) << "an escaped backslash does: the brackets after it count";
  EXPECT_TRUE(json_depth_within(R"(["\u005b\u005b"])", 1));
  EXPECT_TRUE(json_depth_within(R"(["a\\\"[[[["])", 1)) << "three backslashes: the quote is escaped";
  EXPECT_FALSE(json_depth_within(R"(["\\",[[1]]])", 2)) << "a backslash run right after the opening quote";
  EXPECT_FALSE(json_depth_within(R"(["\"\\",[[1]]])", 2));
  EXPECT_TRUE(json_depth_within(R"(["\"\\",[1]])", 2));
}

TEST(JsonDepthTest, DeepInputIsRefusedAndUnbalancedInputDoesNotUnderflow) {
  EXPECT_FALSE(json_depth_within(std::string(100000, '['), 128));
  EXPECT_FALSE(json_depth_within(nested(100000, "{\"a\":", "}"), 128));
  EXPECT_TRUE(json_depth_within(std::string(1000, ']') + "[1]", 1));
  EXPECT_TRUE(json_depth_within("\"unterminated [[[[", 0));
  EXPECT_TRUE(json_depth_within("\"ends in a backslash\\", 0));
}

}  // namespace
}  // namespace gsmq
