// Encoding and checking of segment headers, record headers and segment file names.
#include "store/log_format.h"

#include <charconv>
#include <cstring>
#include <limits>

#include "store/crc32c.h"

namespace gsmq::store::format {
namespace {

uint32_t record_crc(uint8_t type, std::string_view payload) {
  const auto type_byte = static_cast<char>(type);
  return crc32c_extend(crc32c(&type_byte, 1), payload.data(), payload.size());
}

}  // namespace

std::string segment_file_name(uint32_t id) {
  std::string digits = std::to_string(id);
  return std::string(kSegmentIdDigits - digits.size(), '0') + digits + std::string(kSegmentSuffix);
}

std::optional<uint32_t> parse_segment_file_name(std::string_view name) {
  if (name.size() != kSegmentIdDigits + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix))
    return std::nullopt;
  uint64_t id = 0;
  const char* end = name.data() + kSegmentIdDigits;
  auto [ptr, ec] = std::from_chars(name.data(), end, id);
  if (ec != std::errc() || ptr != end || id > std::numeric_limits<uint32_t>::max())
    return std::nullopt;
  return static_cast<uint32_t>(id);
}

void encode_segment_header(char* out) {
  std::memcpy(out, kSegmentMagic.data(), kSegmentMagic.size());
  put_u32(out + 8, kFormatVersion);
  put_u32(out + 12, crc32c_mask(crc32c(out, 12)));
}

const char* check_segment_header(std::string_view header) {
  if (header.size() < kSegmentHeaderSize) return "segment header incomplete";
  if (!header.starts_with(kSegmentMagic)) return "not a gsmq segment (bad magic)";
  if (crc32c_unmask(get_u32(header.data() + 12)) != crc32c(header.data(), 12))
    return "segment header checksum mismatch";
  if (get_u32(header.data() + 8) != kFormatVersion) return "unsupported segment format version";
  return nullptr;
}

const char* check_record_fields(uint8_t type, size_t payload_size) {
  if (type == kInvalidRecordType) return "record type 0 is reserved";
  if (payload_size > kMaxRecordPayload) return "record payload larger than 64 MiB";
  return nullptr;
}

void encode_record_header(char* out, uint8_t type, std::string_view payload) {
  put_u32(out, crc32c_mask(record_crc(type, payload)));
  put_u32(out + 4, static_cast<uint32_t>(payload.size()));
  out[8] = static_cast<char>(type);
}

RecordHeader decode_record_header(const char* in) {
  return {get_u32(in), get_u32(in + 4), static_cast<uint8_t>(in[8])};
}

bool record_checksum_matches(const RecordHeader& header, std::string_view payload) {
  return crc32c_unmask(header.masked_crc) == record_crc(header.type, payload);
}

}  // namespace gsmq::store::format
