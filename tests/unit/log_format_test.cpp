// The on-disk layout, byte for byte: segment names, segment header, record header.
#include "store/log_format.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "store/crc32c.h"

namespace gsmq::store::format {
namespace {

TEST(LogFormatTest, SegmentFileNames) {
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

TEST(LogFormatTest, SegmentHeaderLayout) {
  char h[kSegmentHeaderSize];
  const SegmentHeader made = encode_segment_header(h);
  EXPECT_EQ(std::string_view(h, 8), "GSMQSEG1");
  EXPECT_EQ(std::string_view(h + 8, 4), std::string_view("\x02\x00\x00\x00", 4));
  EXPECT_EQ(get_u32(h + 16), crc32c_mask(crc32c(h, 16)));
  EXPECT_EQ(made.version, 2u);
  EXPECT_EQ(made.size, 20u);
  EXPECT_EQ(made.record_crc_seed, crc32c(h + 12, 4));  // the CRC of the salt bytes
  SegmentHeader read;
  EXPECT_EQ(decode_segment_header(std::string_view(h, sizeof h), &read), nullptr);
  EXPECT_EQ(read.version, made.version);
  EXPECT_EQ(read.size, made.size);
  EXPECT_EQ(read.record_crc_seed, made.record_crc_seed);

  // Every segment gets its own salt.
  char other[kSegmentHeaderSize];
  EXPECT_NE(encode_segment_header(other).record_crc_seed, made.record_crc_seed);
  EXPECT_NE(std::string_view(other + 12, 4), std::string_view(h + 12, 4));
}

TEST(LogFormatTest, Version1SegmentHeader) {
  char h[kSegmentHeaderSizeV1];
  std::memcpy(h, "GSMQSEG1", 8);
  put_u32(h + 8, 1);
  put_u32(h + 12, crc32c_mask(crc32c(h, 12)));
  SegmentHeader read;
  ASSERT_EQ(decode_segment_header(std::string_view(h, sizeof h), &read), nullptr);
  EXPECT_EQ(read.version, 1u);
  EXPECT_EQ(read.size, 16u);
  EXPECT_EQ(read.record_crc_seed, 0u);  // unsalted: the CRC of nothing
  EXPECT_FALSE(segment_header_incomplete(std::string_view(h, 16)));
  EXPECT_TRUE(segment_header_incomplete(std::string_view(h, 15)));
}

TEST(LogFormatTest, SegmentHeaderDamage) {
  char h[kSegmentHeaderSize];
  encode_segment_header(h);
  SegmentHeader read;
  for (size_t len : {0, 8, 12, 16, 19}) {
    EXPECT_TRUE(segment_header_incomplete(std::string_view(h, len))) << len;
    EXPECT_STREQ(decode_segment_header(std::string_view(h, len), &read), "segment header incomplete") << len;
  }
  EXPECT_FALSE(segment_header_incomplete(std::string_view(h, sizeof h)));
  for (size_t byte = 0; byte < sizeof h; ++byte) {
    char damaged[kSegmentHeaderSize];
    std::memcpy(damaged, h, sizeof h);
    damaged[byte] ^= 0x10;
    EXPECT_NE(decode_segment_header(std::string_view(damaged, sizeof damaged), &read), nullptr) << byte;
  }
  put_u32(h + 8, kFormatVersion + 1);  // a future version with a correct checksum
  put_u32(h + 16, crc32c_mask(crc32c(h, 16)));
  EXPECT_STREQ(decode_segment_header(std::string_view(h, sizeof h), &read),
               "unsupported segment format version");
}

TEST(LogFormatTest, RecordHeaderLayout) {
  char h[kRecordHeaderSize];
  encode_record_header(h, 0, 7, "hello");  // version 1: unsalted
  EXPECT_EQ(get_u32(h), crc32c_mask(crc32c("\x07hello", 6)));
  EXPECT_EQ(std::string_view(h + 4, 5), std::string_view("\x05\x00\x00\x00\x07", 5));
  const RecordHeader d = decode_record_header(h);
  EXPECT_EQ(d.length, 5u);
  EXPECT_EQ(d.type, 7);
  EXPECT_TRUE(record_checksum_matches(0, d, "hello"));
  EXPECT_FALSE(record_checksum_matches(0, d, "hellp"));
  EXPECT_FALSE(record_checksum_matches(0, {d.masked_crc, d.length, 8}, "hello"));
}

TEST(LogFormatTest, RecordChecksumIsSaltedPerSegment) {
  // Version 2: the CRC-32C of the segment's 4 salt bytes, the type byte and the payload.
  const char salted[] = "\x11\x22\x33\x44\x07hello";
  const uint32_t seed = crc32c(salted, 4);
  char h[kRecordHeaderSize];
  encode_record_header(h, seed, 7, "hello");
  EXPECT_EQ(get_u32(h), crc32c_mask(crc32c(salted, 10)));
  const RecordHeader d = decode_record_header(h);
  EXPECT_TRUE(record_checksum_matches(seed, d, "hello"));
  EXPECT_FALSE(record_checksum_matches(0, d, "hello"));  // not as a version 1 record
  EXPECT_FALSE(record_checksum_matches(crc32c("\x11\x22\x33\x45", 4), d, "hello"));  // nor in another segment
}

TEST(LogFormatTest, RecordFieldLimits) {
  EXPECT_EQ(check_record_fields(1, 0), nullptr);
  EXPECT_EQ(check_record_fields(255, kMaxRecordPayload), nullptr);
  EXPECT_NE(check_record_fields(kInvalidRecordType, 1), nullptr);
  EXPECT_NE(check_record_fields(1, size_t{kMaxRecordPayload} + 1), nullptr);
}

}  // namespace
}  // namespace gsmq::store::format
