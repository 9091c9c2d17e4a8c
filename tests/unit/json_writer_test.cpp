// json_writer: format_envelope's strings and integers, which must be byte for byte what
// nlohmann/json's dump(-1, ' ', false, error_handler_t::replace) writes.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "envelope/json_writer.h"
#include "envelope/utf8.h"

namespace gsmq {
namespace {

std::string nlohmann_text(const std::string& bytes) {
  return nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string written(std::string_view bytes) {
  std::string out = "prefix";
  append_json_string(out, bytes);
  return out.substr(6);
}

TEST(JsonWriterTest, StringsAreEscapedAsNlohmannEscapesThem) {
  EXPECT_EQ(written("plain"), R"("plain")");
  EXPECT_EQ(written("q\" b\\ /"), R"("q\" b\\ /")");
  EXPECT_EQ(written("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(written(std::string("\0\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    EXPECT_EQ(written(one), nlohmann_text(one)) << c;
  }
}

TEST(JsonWriterTest, BytesThatAreNotUtf8AreRefusedOrReplaced) {
  std::string out = "x";
  EXPECT_FALSE(append_json_string_if_utf8(out, "ok\xff"));
  EXPECT_EQ(out, "x") << "nothing appended";
  EXPECT_TRUE(append_json_string_if_utf8(out, "caf\xc3\xa9"));
  EXPECT_EQ(out, "x\"caf\xc3\xa9\"");
  EXPECT_EQ(written("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"");
}

TEST(JsonWriterTest, RandomBytesAreWrittenAsNlohmannWritesThem) {
  std::mt19937_64 rng(11);
  static const char* utf8[] = {"\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x9a\xaa", "\xed\x9f\xbf", "\xef\xbf\xbf"};
  for (int i = 0; i < 20000; ++i) {
    std::string bytes;
    for (auto n = rng() % 24; n > 0; --n) {
      if (rng() % 3 == 0) bytes += utf8[rng() % std::size(utf8)];
      else bytes += static_cast<char>(rng() % 256);
    }
    std::string out;
    ASSERT_EQ(append_json_string_if_utf8(out, bytes), is_valid_utf8(bytes));
    ASSERT_EQ(written(bytes), nlohmann_text(bytes));
  }
}

TEST(JsonWriterTest, Integers) {
  for (const int64_t v : {int64_t{0}, int64_t{-1}, int64_t{42}, std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max()}) {
    std::string out;
    append_json_integer(out, v);
    EXPECT_EQ(out, nlohmann::json(v).dump());
  }
  std::string out;
  append_json_integer(out, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(out, "18446744073709551615");
}

}  // namespace
}  // namespace gsmq
