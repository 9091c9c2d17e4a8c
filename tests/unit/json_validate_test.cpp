// is_valid_json: the byte scan that lets format_envelope write a JSON body as it is. It
// must accept exactly what nlohmann/json accepts (or a tool would write a line it then
// refuses), within a depth limit, without recursing.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "envelope/json_validate.h"

namespace gsmq {
namespace {

constexpr size_t kDeep = 1000;

TEST(JsonValidateTest, AcceptsJsonValues) {
  const std::vector<std::string> goods = {"0", "-0", "12.50", "1.5e+10", "1E-2", "-1e-400", "100000000000000000000000", "true", "false", "null",
        R"("")", R"("s")", R"("\"\\\/\b\f\n\r\t")", R"("\u00e9\ud83d\ude00")", "\"\x7f caf\xc3\xa9 \xf0\x9f\x9a\xaa\"",
        "[]", "{}", R"( {"a" : [1, {"b":null}], "a":2 } )", "\t[\r\n1\n]\r\n", R"([[],{},[{}]])"};
  for (const auto& good : goods) {
    EXPECT_TRUE(is_valid_json(good, kDeep)) << good;
    EXPECT_TRUE(nlohmann::json::accept(good)) << "the test's own claim: " << good;
  }
}

TEST(JsonValidateTest, RefusesWhatNlohmannRefuses) {
  const std::vector<std::string> bads = {"", " ", "01", "1.", ".5", "+1", "1e", "1e+", "--1", "-", "0x1", "NaN", "Infinity", "1e400", "-1E+999",
        std::string(400, '9'), "tru", "nul", "True", "[1,]", "[,1]", "[1 2]", R"({"a":1,})", "{a:1}", R"({"a"})",
        R"({"a":})", R"({1:2})", "[]]", "{}}", "[1] [2]", "\"unterminated", "\"\x01\"", "\"tab\tin\"", R"("\ud800")",
        R"("\udc00")", R"("\ud800\u0041")", R"("\ud800\n")", R"("\x")", R"("\u12g4")", R"("\u12")", "\"\xff\"",
        "\"\xc0\x80\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe6\x97\""};
  for (const auto& bad : bads) {
    EXPECT_FALSE(is_valid_json(bad, kDeep)) << bad;
    EXPECT_FALSE(nlohmann::json::accept(bad)) << "the test's own claim: " << bad;
  }
  // nlohmann skips a byte order mark, and takes a NUL byte for the end of the input;
  // a body with either is not written as JSON (the line would not read back the same).
  EXPECT_FALSE(is_valid_json("\xEF\xBB\xBF[1]", kDeep));
  EXPECT_FALSE(is_valid_json(std::string("[1]\0", 4), kDeep));
  EXPECT_FALSE(is_valid_json(std::string("[1]\0junk", 8), kDeep));
}

TEST(JsonValidateTest, NestingIsLimited) {
  const auto nested = [](size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_TRUE(is_valid_json(nested(127), 127));
  EXPECT_FALSE(is_valid_json(nested(128), 127));
  EXPECT_FALSE(is_valid_json(nested(100000), 127));
  EXPECT_TRUE(is_valid_json(nested(100000), 100000)) << "no recursion, whatever the limit";
  EXPECT_TRUE(is_valid_json("1", 0));
  EXPECT_FALSE(is_valid_json("[]", 0));
  EXPECT_TRUE(is_valid_json(R"({"a":[{"b":[]}]})", 4));
  EXPECT_FALSE(is_valid_json(R"({"a":[{"b":[]}]})", 3));
}

TEST(JsonValidateTest, AgreesWithNlohmannOnTokenSoup) {
  static const char* pieces[] = {"[", "]", "{", "}", ",", ":", " ", "\n", R"("a")", R"("\u00e9")", R"("\ud800")",
                                 R"("\udc00")", "\"", "\\", "1", "-0.5e3", "1e400", "0", "01", ".", "e", "true", "nul",
                                 "null", "\xff", "\xc3\xa9", "\"\xc3\xa9\""};
  std::mt19937_64 rng(2025);
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    for (auto n = rng() % 10; n > 0; --n) text += pieces[rng() % std::size(pieces)];
    const bool nlohmann_says = nlohmann::json::accept(text);
    accepted += nlohmann_says;
    ASSERT_EQ(is_valid_json(text, kDeep), nlohmann_says) << text;
  }
  EXPECT_GT(accepted, 1000) << "the soup should hold valid JSON too";
}

}  // namespace
}  // namespace gsmq
