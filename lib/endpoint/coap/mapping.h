// How CoAP maps to gsmq messages and back (docs/endpoints/coap.md): Content-Format names,
// the channel of an ingested request, the path a message is sent to, response codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq::coap {

// A Content-Format given as a number (0-65535) or a registered media type name
// ("application/json"); nullopt when it is neither.
std::optional<uint16_t> parse_content_format(std::string_view text);

// "a/b//c/" -> {"a", "b", "c"}.
std::vector<std::string> split_path(std::string_view path);

// The channel of a request for `request_path` at an ingest listening on `base`: the
// request's path itself when it is `base` or below it ("sensors/door" under "sensors"),
// nullopt when it is elsewhere. An empty base takes every path.
std::optional<std::string> ingest_channel(std::string_view base, std::string_view request_path);

// The path a sink sends a message to: the URL's path with "{channel}" replaced by the
// message's channel; a URL without a path sends each message to its channel.
std::string sink_path(std::string_view url_path, std::string_view channel);

// A response code as RFC 7252 writes it: 0x84 -> "4.04 Not Found".
std::string code_text(uint8_t code);

// What a sink does with a response code: 2.xx confirms, 4.xx refuses for good, 5.xx is
// worth retrying.
enum class Outcome { confirmed, refused, retry };
Outcome classify(uint8_t code);

}  // namespace gsmq::coap
