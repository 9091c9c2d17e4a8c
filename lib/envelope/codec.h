// The JSON-lines codec: one envelope per line (gsmq(7) "THE ENVELOPE"), used by every tool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "envelope/message.h"

namespace gsmq {

// How deep a line may nest, the envelope object counting as level 1: a body or an
// unknown field may nest kMaxLineDepth - 1 levels. Deeper lines are bad input, so that
// nothing downstream recurses on untrusted depth (gsmq(7) THE ENVELOPE).
inline constexpr size_t kMaxLineDepth = 128;
inline constexpr size_t kMaxBodyDepth = kMaxLineDepth - 1;

struct CodecLimits {
  size_t max_body_bytes = 64u << 20;  // larger bodies are bad input, not an out-of-memory
};

// Parses one line (without its '\n') into `out`. On bad input returns false and sets
// `error` to a one-line description naming the field, e.g. `field "priority": expected
// an integer 0-9`. A message is either fully valid or rejected: never half-filled.
// A body given as a JSON value other than a string is its text as written in the line,
// trimmed of the whitespace around it (body_is_json set).
bool parse_envelope(std::string_view line, Message& out, std::string& error,
                    const CodecLimits& limits = {});

// Writes `message` as one compact JSON object (no trailing newline). Fields that hold
// their default (empty channel, no id, ts 0, priority 0, empty meta, unset options) are left out.
// A body flagged body_is_json is written as it is when the line reads back with the same
// bytes (valid JSON, not a string, within kMaxBodyDepth, no whitespace around it, no CR
// or LF); otherwise as a string of the same bytes, so nothing recurses on untrusted depth.
// An unknown field named like an envelope field (is_envelope_field) is left out.
std::string format_envelope(const Message& message);

// The top-level names the envelope defines (channel, body, ..., receipt): never taken
// from Message::extra on output.
bool is_envelope_field(std::string_view key);

// --raw: a bare line is the body; on output the body bytes are the line.
Message message_from_raw_line(std::string_view line);

}  // namespace gsmq
