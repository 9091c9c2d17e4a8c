// The on-disk format of the store, defined here and nowhere else (docs/storage-format.md
// describes the same thing in prose): segment file names, segment header, record framing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gsmq::store::format {

// A log is a directory of segment files named <20-digit zero-padded id>.seg; ids grow by one.
inline constexpr std::string_view kSegmentSuffix = ".seg";
inline constexpr size_t kSegmentIdDigits = 20;
std::string segment_file_name(uint32_t id);
// The id encoded in a segment file name, or nullopt for any other name.
std::optional<uint32_t> parse_segment_file_name(std::string_view name);

// Segment header: magic (8 bytes) | format version (u32) | masked CRC-32C of the first 12 bytes.
inline constexpr std::string_view kSegmentMagic = "GSMQSEG1";
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kSegmentHeaderSize = 16;

void encode_segment_header(char* out);  // writes kSegmentHeaderSize bytes
// nullptr when the header is valid, otherwise what is wrong with it.
const char* check_segment_header(std::string_view header);

// Record: masked CRC-32C of (type byte + payload) (u32) | payload length (u32) | type (u8) | payload.
inline constexpr size_t kRecordHeaderSize = 9;
inline constexpr uint32_t kMaxRecordPayload = 64u << 20;
inline constexpr uint8_t kInvalidRecordType = 0;  // types are the caller's; 0 is never valid

struct RecordHeader {
  uint32_t masked_crc = 0;
  uint32_t length = 0;
  uint8_t type = kInvalidRecordType;
};

// nullptr when (type, payload size) may be written, otherwise why not.
const char* check_record_fields(uint8_t type, size_t payload_size);
void encode_record_header(char* out, uint8_t type, std::string_view payload);  // kRecordHeaderSize bytes
RecordHeader decode_record_header(const char* in);                          // kRecordHeaderSize bytes
bool record_checksum_matches(const RecordHeader& header, std::string_view payload);

// All integers are little endian.
inline void put_u32(char* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (8 * i));
}
inline uint32_t get_u32(const char* in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(in[i])} << (8 * i);
  return v;
}

}  // namespace gsmq::store::format
