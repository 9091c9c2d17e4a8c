// The on-disk format of the store, defined here and nowhere else (docs/storage-format.md
// describes the same thing in prose, and why records are salted): segment file names,
// segment header, record framing.
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

// Segment header, version 2 (every new segment), 20 bytes: magic (8 bytes) | format version
// (u32) = 2 | CRC salt (u32, random per segment) | masked CRC-32C of the first 16 bytes.
// Version 1 (read, never written again), 16 bytes: magic | version = 1 | masked CRC-32C of
// the first 12 bytes; no salt.
inline constexpr std::string_view kSegmentMagic = "GSMQSEG1";
inline constexpr uint32_t kFormatVersion = 2;
inline constexpr size_t kSegmentHeaderSize = 20;  // of kFormatVersion
inline constexpr size_t kSegmentHeaderSizeV1 = 16;

struct SegmentHeader {
  uint32_t version = kFormatVersion;
  size_t size = kSegmentHeaderSize;  // where the first record starts
  // Where every record's CRC in the segment starts from: the CRC-32C of the 4 salt bytes
  // (0, the CRC of nothing, in version 1). Kept so that the salt costs nothing per record.
  uint32_t record_crc_seed = 0;
};

// Writes a new version 2 header with a random salt (kSegmentHeaderSize bytes) and returns it.
SegmentHeader encode_segment_header(char* out);
// nullptr when `bytes`, the start of a segment file (kSegmentHeaderSize bytes of it, or the
// whole file if shorter), begins with a valid header, then in *out; otherwise what is wrong.
const char* decode_segment_header(std::string_view bytes, SegmentHeader* out);
// Whether `bytes`, a whole segment file, is shorter than the header it begins: a crash
// while the segment was being created.
bool segment_header_incomplete(std::string_view bytes);

// Record: masked CRC (u32) | payload length (u32) | type (u8) | payload. The CRC is the
// CRC-32C of the segment's salt bytes (version 2; nothing in version 1), the type byte and
// the payload: so a record copied into another record's payload (or into another segment)
// does not verify where recovery looks for the next record after a damaged one.
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
// crc_seed: the record's SegmentHeader::record_crc_seed.
void encode_record_header(char* out, uint32_t crc_seed, uint8_t type, std::string_view payload);  // kRecordHeaderSize bytes
RecordHeader decode_record_header(const char* in);  // kRecordHeaderSize bytes
bool record_checksum_matches(uint32_t crc_seed, const RecordHeader& header, std::string_view payload);

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
