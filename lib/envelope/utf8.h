// UTF-8 validity check: decides whether a body is written as "body" or "body_b64".
#pragma once

#include <cstddef>
#include <string_view>

namespace gsmq {

// True when bytes are well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// The length (2 to 4) of the well-formed UTF-8 sequence that `rest` starts with, for a
// first byte >= 0x80; 0 when it is not one. For the scanners that meet non-ASCII bytes
// one character at a time.
size_t utf8_sequence_length(std::string_view rest);

}  // namespace gsmq
