// The JSON-lines codec: one envelope per line (gsmq(7) "THE ENVELOPE"), used by every tool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "envelope/message.h"

namespace gsmq {

struct CodecLimits {
  size_t max_body_bytes = 64u << 20;  // larger bodies are bad input, not an out-of-memory
};

// Parses one line (without its '\n') into `out`. On bad input returns false and sets
// `error` to a one-line description naming the field, e.g. `field "priority": expected
// an integer 0-9`. A message is either fully valid or rejected: never half-filled.
bool parse_envelope(std::string_view line, Message& out, std::string& error,
                    const CodecLimits& limits = {});

// Writes `message` as one compact JSON object (no trailing newline). Fields that hold
// their default (empty channel, no id, ts 0, priority 0, empty meta, unset options) are left out.
std::string format_envelope(const Message& message);

// --raw: a bare line is the body; on output the body bytes are the line.
Message message_from_raw_line(std::string_view line);

}  // namespace gsmq
