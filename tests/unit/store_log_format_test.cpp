// The on-disk layout, byte for byte: segment names, segment header, record header.
#include "store/log_format.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "store/crc32c.h"

namespace gsmq::store::format {
namespace {

TEST(StoreLogFormat, SegmentFileNames) {
  EXPECT_EQ(segment_file_name(1), "00000000000000000001.seg");
  EXPECT_EQ(segment_file_name(4294967295u), "00000000004294967295.seg");
  EXPECT_EQ(parse_segment_file_name("00000000000000000042.seg"), 42u);
  EXPECT_EQ(parse_segment_file_name("00000000004294967295.seg"), 4294967295u);
  EXPECT_EQ(parse_segment_file_name("00000000004294967296.seg"), std::nullopt);
  EXPECT_EQ(parse_segment_file_name("0000000000000000004.seg"), std::nullopt);
  EXPECT_EQ(parse_segment_file_name("0000000000000000004x.seg"), std::nullopt);
  EXPECT_EQ(parse_segment_file_name("00000000000000000042.tmp"), std::nullopt);
  EXPECT_EQ(parse_segment_file_name("LOCK"), std::nullopt);
}

TEST(StoreLogFormat, SegmentHeaderLayout) {
  char h[kSegmentHeaderSize];
  encode_segment_header(h);
  EXPECT_EQ(std::string_view(h, 8), "GSMQSEG1");
  EXPECT_EQ(std::string_view(h + 8, 4), std::string_view("\x01\x00\x00\x00", 4));
  EXPECT_EQ(get_u32(h + 12), crc32c_mask(crc32c(h, 12)));
  EXPECT_EQ(check_segment_header(std::string_view(h, sizeof h)), nullptr);
}

TEST(StoreLogFormat, SegmentHeaderDamage) {
  char h[kSegmentHeaderSize];
  encode_segment_header(h);
  EXPECT_NE(check_segment_header(std::string_view(h, 15)), nullptr);
  for (size_t byte = 0; byte < sizeof h; ++byte) {
    char damaged[kSegmentHeaderSize];
    std::memcpy(damaged, h, sizeof h);
    damaged[byte] ^= 0x10;
    EXPECT_NE(check_segment_header(std::string_view(damaged, sizeof damaged)), nullptr) << byte;
  }
  put_u32(h + 8, kFormatVersion + 1);  // a future version with a correct checksum
  put_u32(h + 12, crc32c_mask(crc32c(h, 12)));
  EXPECT_STREQ(check_segment_header(std::string_view(h, sizeof h)),
               "unsupported segment format version");
}

TEST(StoreLogFormat, RecordHeaderLayout) {
  char h[kRecordHeaderSize];
  encode_record_header(h, 7, "hello");
  EXPECT_EQ(get_u32(h), crc32c_mask(crc32c("\x07hello", 6)));
  EXPECT_EQ(std::string_view(h + 4, 5), std::string_view("\x05\x00\x00\x00\x07", 5));
  const RecordHeader d = decode_record_header(h);
  EXPECT_EQ(d.length, 5u);
  EXPECT_EQ(d.type, 7);
  EXPECT_TRUE(record_checksum_matches(d, "hello"));
  EXPECT_FALSE(record_checksum_matches(d, "hellp"));
  EXPECT_FALSE(record_checksum_matches({d.masked_crc, d.length, 8}, "hello"));
}

TEST(StoreLogFormat, RecordFieldLimits) {
  EXPECT_EQ(check_record_fields(1, 0), nullptr);
  EXPECT_EQ(check_record_fields(255, kMaxRecordPayload), nullptr);
  EXPECT_NE(check_record_fields(kInvalidRecordType, 1), nullptr);
  EXPECT_NE(check_record_fields(1, size_t{kMaxRecordPayload} + 1), nullptr);
}

}  // namespace
}  // namespace gsmq::store::format
