// The queue index's fields read from a stored encoding without parsing it
// (server/index_fields.h) agree with those of the parsed Message, for any values, for
// fields that occur twice, and for fields with an unexpected wire type.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include "gsmq/v1/message.pb.h"
#include "server/index_fields.h"

namespace gsmq::server {
namespace {

IndexFields parsed(const std::string& bytes) {
  v1::Message m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  return index_fields(m);
}

TEST(IndexFieldsTest, ScanningAgreesWithParsingForRandomMessages) {
  std::mt19937_64 rng(7);
  auto pick = [&](int64_t a, int64_t b) { return std::uniform_int_distribution<int64_t>(a, b)(rng); };
  for (int i = 0; i < 2000; ++i) {
    v1::Message m;
    m.set_channel("c" + std::to_string(i));
    if (pick(0, 1)) m.set_body(std::string(static_cast<size_t>(pick(0, 3000)), 'b'));
    if (pick(0, 1)) m.set_priority(static_cast<uint32_t>(pick(0, 20)));
    if (pick(0, 1)) m.set_ts(pick(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()));
    if (pick(0, 1)) m.set_deadline_ms(pick(-5, 1000000));
    if (pick(0, 1)) m.set_deliver_late(true);
    if (pick(0, 1)) m.set_delay_ms(pick(-5, 100000));
    if (pick(0, 1)) m.set_ttl_ms(pick(-5, 100000));
    if (pick(0, 1)) m.set_max_receives(static_cast<uint32_t>(pick(0, 70000)));
    if (pick(0, 3) == 0) m.set_dead_letter("dlq");
    if (pick(0, 3) == 0) m.set_late_channel("late");
    if (pick(0, 1)) (*m.mutable_meta())["k"] = "v";
    if (pick(0, 1)) m.set_extra_json(R"({"x":1})");
    const std::string bytes = m.SerializeAsString();
    const auto scanned = scan_index_fields(bytes);
    ASSERT_TRUE(scanned) << m.DebugString();
    EXPECT_EQ(*scanned, index_fields(m)) << m.DebugString();
    // A later occurrence replaces an earlier one, as in a parser: append another message.
    v1::Message later;
    if (pick(0, 1)) later.set_priority(3);
    if (pick(0, 1)) later.set_body("short");
    if (pick(0, 1)) later.set_dead_letter("");  // proto3: an empty string is not written
    if (pick(0, 1)) later.set_ttl_ms(9);
    const std::string both = bytes + later.SerializeAsString();
    ASSERT_TRUE(scan_index_fields(both));
    EXPECT_EQ(*scan_index_fields(both), parsed(both));
  }
}

TEST(IndexFieldsTest, AFieldWithAnotherWireTypeIsNotThatField) {
  // priority (5) written as a length-delimited field: a parser keeps it as unknown
  const std::string bytes = std::string("\x2a\x01x", 3) + std::string("\x40\x07", 2);  // + ttl_ms (8) = 7
  ASSERT_TRUE(scan_index_fields(bytes));
  EXPECT_EQ(*scan_index_fields(bytes), parsed(bytes));
  EXPECT_EQ(scan_index_fields(bytes)->priority, 0u);
  EXPECT_EQ(scan_index_fields(bytes)->ttl_ms, 7);
}

TEST(IndexFieldsTest, BytesAParserRefusesAreRefused) {
  EXPECT_FALSE(scan_index_fields(std::string("\x12\x05" "ab", 4)));      // body runs past the end
  EXPECT_FALSE(scan_index_fields(std::string("\x0a\x02\xc3\x28", 4)));   // channel not UTF-8
  EXPECT_TRUE(scan_index_fields(""));
}

}  // namespace
}  // namespace gsmq::server
