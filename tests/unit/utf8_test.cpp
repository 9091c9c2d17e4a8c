// UTF-8 validity: decides between "body" and "body_b64", so it must agree with what a
// JSON string may hold (checked against nlohmann/json's own strict encoder).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "envelope/utf8.h"

namespace gsmq {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  for (const char* good : {"", "plain ascii", "\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf",
                           "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
                           "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\xaa"}) {
    EXPECT_TRUE(is_valid_utf8(good)) << good;
  }
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3))) << "NUL is a character";
}

TEST(Utf8Test, RejectsMalformedBytes) {
  const char* bad[] = {
      "\x80",              // continuation byte without a lead
      "\xbf",
      "\xc3",              // truncated 2-byte sequence
      "\xe6\x97",          // truncated 3-byte sequence
      "\xf0\x9f\x9a",      // truncated 4-byte sequence
      "\xc3\x28",          // lead followed by a non-continuation
      "\xc0\x80",          // overlong NUL
      "\xc1\xbf",          // overlong
      "\xe0\x80\x80",      // overlong 3-byte
      "\xe0\x9f\xbf",      // overlong 3-byte (U+07FF)
      "\xf0\x80\x80\x80",  // overlong 4-byte
      "\xf0\x8f\xbf\xbf",  // overlong 4-byte (U+FFFF)
      "\xed\xa0\x80",      // U+D800, a surrogate
      "\xed\xbf\xbf",      // U+DFFF, a surrogate
      "\xf4\x90\x80\x80",  // U+110000, beyond Unicode
      "\xf5\x80\x80\x80", "\xf8\x88\x80\x80\x80", "\xfe", "\xff",
      "ok then \xff",
  };
  for (const char* b : bad) EXPECT_FALSE(is_valid_utf8(b)) << testing::PrintToString(std::string(b));
}

bool json_accepts(const std::string& bytes) {
  try {
    (void)nlohmann::json(bytes).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

TEST(Utf8Test, AgreesWithTheJsonEncoderOnRandomBytes) {
  std::mt19937 rng(99);
  int valid = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(1 + rng() % 6, '\0');
    // Bias towards lead and continuation bytes so that valid sequences come up often.
    for (auto& c : bytes) c = static_cast<char>(rng() % 3 == 0 ? rng() % 0x80 : 0x80 + rng() % 0x78);
    const bool ours = is_valid_utf8(bytes);
    ASSERT_EQ(ours, json_accepts(bytes)) << testing::PrintToString(bytes);
    valid += ours;
  }
  EXPECT_GT(valid, 1000) << "the sample must hold valid multi-byte text too";
}

// Valid when every non-ASCII character is one well-formed sequence, found one at a time.
bool valid_sequence_by_sequence(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t len = utf8_sequence_length(bytes.substr(i));
    if (len == 0) return false;
    i += len;
  }
  return true;
}

TEST(Utf8Test, SequenceLengthAgreesWithTheWholeStringCheck) {
  EXPECT_EQ(utf8_sequence_length("\xc3\xa9 and more"), 2u);
  EXPECT_EQ(utf8_sequence_length("\xe6\x97\xa5"), 3u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x9a\xaa"), 4u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x9a"), 0u) << "truncated";
  EXPECT_EQ(utf8_sequence_length("\xed\xa0\x80"), 0u) << "a surrogate";
  EXPECT_EQ(utf8_sequence_length(""), 0u);
  std::mt19937 rng(98);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(1 + rng() % 6, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng() % 3 == 0 ? rng() % 0x80 : 0x80 + rng() % 0x78);
    ASSERT_EQ(valid_sequence_by_sequence(bytes), is_valid_utf8(bytes)) << testing::PrintToString(bytes);
  }
}

}  // namespace
}  // namespace gsmq
