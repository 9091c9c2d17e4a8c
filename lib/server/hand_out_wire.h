// A stored message handed out without parsing it: its record holds the gsmq.v1.Message
// encoding, and the fields a receive sets (seq, receive_count, receipt, the late mark)
// are written after those bytes. A protobuf parser merges later fields over earlier ones
// (a scalar or string is replaced; a map entry replaces one with the same key), so the
// result parses as the stored message with those fields set, exactly as if it had been
// parsed, changed and encoded again (docs/storage-format.md).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace gsmq::server {

struct HandOutFields {
  uint64_t seq = 0;
  uint32_t receive_count = 0;           // written even when 0: it replaces a stored one
  std::optional<std::string> receipt;   // none: the stored message's (peek, auto-ack)
  std::optional<int64_t> late_ms;       // meta gsmq.late_ms
};

// Appends the fields to `out`, which holds a stored message's encoding.
void append_hand_out_fields(std::string& out, const HandOutFields& fields);

// The meta key a message handed out past its deadline is marked with (how late, in ms).
inline constexpr std::string_view kLateMetaKey = "gsmq.late_ms";

// One top-level field of a stored message as a parser reads it: a varint field's value,
// or a length-delimited field's length (fixed-width fields are not reported).
struct StoredField {
  int number;
  bool varint;
  uint64_t value;
};

// Whether a parser takes `bytes` as a gsmq.v1.Message: well formed at the level of tags
// and lengths, and its `string` fields (meta's keys and values too) UTF-8. Checked before
// stored bytes are handed out (a record with a good CRC but bytes no parser takes), so one
// bad record cannot make a whole answer unreadable for the receiver. `visit`, if given,
// sees each top-level field in order as it is read (before the whole is known good).
bool well_formed_message(std::string_view bytes, const std::function<void(const StoredField&)>& visit = nullptr);

}  // namespace gsmq::server
