// How envelope fields and meta travel in HTTP headers, in both directions (docs/endpoints/http.md
// "Headers"): X-Gsmq-Channel, X-Gsmq-Id, X-Gsmq-Ts, X-Gsmq-Priority and X-Gsmq-Meta-<key>.
// Names and values are percent-encoded where HTTP does not allow the bytes as they are.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gsmq::endpoint::http {

inline constexpr std::string_view kChannelHeader = "X-Gsmq-Channel";
inline constexpr std::string_view kIdHeader = "X-Gsmq-Id";
inline constexpr std::string_view kTsHeader = "X-Gsmq-Ts";
inline constexpr std::string_view kPriorityHeader = "X-Gsmq-Priority";
inline constexpr std::string_view kMetaHeaderPrefix = "X-Gsmq-Meta-";

// The header that carries meta key `key`: "X-Gsmq-Meta-" + the key, with every byte that
// is not an HTTP token character (and '%') written as %XX.
std::string meta_header_name(std::string_view key);

// The meta key carried by header `name`, or nullopt when it is not an X-Gsmq-Meta- header
// (the prefix is matched without regard to case; the key keeps its case).
std::optional<std::string> meta_key_of_header(std::string_view name);

// A header value: printable ASCII stays as is; '%', control bytes, bytes >= 0x80 and a
// leading or trailing space (which HTTP would strip) become %XX.
std::string encode_header_value(std::string_view value);
std::string decode_header_value(std::string_view value);

// Percent-encodes a URL path (keeping '/' and RFC 3986 unreserved characters and sub-delims).
std::string encode_path(std::string_view path);

}  // namespace gsmq::endpoint::http
