// One line received over tcp:// or udp:// as a message (pure, no I/O): a bare line is
// the body (a trailing CR dropped), or with ?envelope a JSON envelope; the endpoint's
// channel for messages that name none, and the peer as meta tcp.peer / udp.peer.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "envelope/codec.h"

namespace gsmq::endpoint::netlines {

// The message for `line` (without its '\n'), or nullopt with `error` set (a bad
// envelope). A blank line is no message and no error (nullopt, `error` empty).
std::optional<Message> message_from_line(std::string_view line, bool envelope, const std::string& channel,
                                         std::string_view peer_key, const std::string& peer,
                                         const CodecLimits& limits, std::string& error);

// What a sink writes for `message`: the body (bare), or its JSON envelope; no newline.
std::string line_for(const Message& message, bool envelope);

}  // namespace gsmq::endpoint::netlines
