// Standard base64 (RFC 4648, with padding) for binary bodies in the envelope's body_b64.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gsmq {

std::string base64_encode(std::string_view bytes);
// Strict decoding: nullopt on any character outside the alphabet or bad padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace gsmq
