// Encoding and checking of segment headers (and their salts), record headers and segment
// file names.
#include "store/log_format.h"

#include <charconv>
#include <cstring>
#include <limits>
#include <random>

#include "store/crc32c.h"

namespace gsmq::store::format {
namespace {

uint32_t record_crc(uint32_t crc_seed, uint8_t type, std::string_view payload) {
  const auto type_byte = static_cast<char>(type);
  return crc32c_extend(crc32c_extend(crc_seed, &type_byte, 1), payload.data(), payload.size());
}

uint32_t new_salt() { return static_cast<uint32_t>(std::random_device{}()); }

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

SegmentHeader encode_segment_header(char* out) {
  std::memcpy(out, kSegmentMagic.data(), kSegmentMagic.size());
  put_u32(out + 8, kFormatVersion);
  put_u32(out + 12, new_salt());
  put_u32(out + 16, crc32c_mask(crc32c(out, 16)));
  return {kFormatVersion, kSegmentHeaderSize, crc32c(out + 12, 4)};
}

const char* decode_segment_header(std::string_view bytes, SegmentHeader* out) {
  if (segment_header_incomplete(bytes)) return "segment header incomplete";
  if (!bytes.starts_with(kSegmentMagic)) return "not a gsmq segment (bad magic)";
  const uint32_t version = get_u32(bytes.data() + 8);
  const size_t crc_at = version == 1 ? 12 : 16;
  if (crc32c_unmask(get_u32(bytes.data() + crc_at)) != crc32c(bytes.data(), crc_at))
    return "segment header checksum mismatch";
  if (version == 1) *out = {1, kSegmentHeaderSizeV1, 0};
  else if (version == 2) *out = {2, kSegmentHeaderSize, crc32c(bytes.data() + 12, 4)};
  else return "unsupported segment format version";
  return nullptr;
}

bool segment_header_incomplete(std::string_view bytes) {
  const bool version1 = bytes.size() >= 12 && get_u32(bytes.data() + 8) == 1;
  return bytes.size() < (version1 ? kSegmentHeaderSizeV1 : kSegmentHeaderSize);
}

const char* check_record_fields(uint8_t type, size_t payload_size) {
  if (type == kInvalidRecordType) return "record type 0 is reserved";
  if (payload_size > kMaxRecordPayload) return "record payload larger than 64 MiB";
  return nullptr;
}

void encode_record_header(char* out, uint32_t crc_seed, uint8_t type, std::string_view payload) {
  put_u32(out, crc32c_mask(record_crc(crc_seed, type, payload)));
  put_u32(out + 4, static_cast<uint32_t>(payload.size()));
  out[8] = static_cast<char>(type);
}

RecordHeader decode_record_header(const char* in) {
  return {get_u32(in), get_u32(in + 4), static_cast<uint8_t>(in[8])};
}

bool record_checksum_matches(uint32_t crc_seed, const RecordHeader& header, std::string_view payload) {
  return crc32c_unmask(header.masked_crc) == record_crc(crc_seed, header.type, payload);
}

}  // namespace gsmq::store::format
