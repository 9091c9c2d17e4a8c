// How CoAP maps to gsmq messages and back (docs/endpoints/coap.md): Content-Format names,
// the channel of an ingested request, the path a message is sent to, response codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq::endpoint::coap {

// A Content-Format given as a number (0-65535) or a registered media type name
// ("application/json"); nullopt when it is neither.
std::optional<uint16_t> parse_content_format(std::string_view text);

// True for a body of a JSON Content-Format (50, 51, 52, 110) holding a JSON value other
// than a string: the envelope then shows it as JSON, as the HTTP ingest does.
bool body_is_json(std::optional<uint32_t> content_format, std::string_view body);

// "a/b//c/" -> {"a", "b", "c"}.
std::vector<std::string> split_path(std::string_view path);

// The part of `request_path` below an ingest's `base` path ("door/1" for "sensors/door/1"
// under "sensors"; "" for "sensors" itself), or nullopt when the request is not at or below
// the base. An empty base takes every path, whole.
std::optional<std::string> path_below(std::string_view base, std::string_view request_path);

// The channel of an ingested request (the same rule as the HTTP ingest): the request's
// Uri-Query channel=NAME, else the path below the base, else the listen URL's ?channel=.
std::string ingest_channel(std::string_view query_channel, std::string_view below, std::string_view url_channel);

// The value of `key` in a CoAP query string "a=1&channel=x" (percent-decoded), or "".
std::string query_value(std::string_view query, std::string_view key);

// The path a sink sends a message to: the URL's path with "{channel}" replaced by the
// message's channel; a URL without a path sends each message to its channel.
std::string sink_path(std::string_view url_path, std::string_view channel);

// A response code as RFC 7252 writes it: 0x84 -> "4.04 Not Found".
std::string code_text(uint8_t code);

// What a sink does with a response code: 2.xx confirms, 4.xx refuses for good, 5.xx is
// worth retrying.
enum class Outcome { confirmed, refused, retry };
Outcome classify(uint8_t code);

}  // namespace gsmq::endpoint::coap
