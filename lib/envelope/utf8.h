// UTF-8 validity check: decides whether a body is written as "body" or "body_b64".
#pragma once

#include <string_view>

namespace gsmq {

// True when bytes are well-formed UTF-8 (no overlongs, surrogates or values > U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

}  // namespace gsmq
