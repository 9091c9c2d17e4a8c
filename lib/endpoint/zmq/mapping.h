// How gsmq messages travel as ZeroMQ multipart messages (docs/endpoints/zmq.md):
// [channel, body] by default, [body] with ?frames=1, [JSON envelope] with ?envelope.
#pragma once

#include <string>
#include <vector>

#include "endpoint/zmq/settings.h"
#include "envelope/codec.h"

namespace gsmq::endpoint::zmq {

// The frames a sink sends for `message` (its channel, or the URL's when it has none).
std::vector<std::string> to_frames(const Message& message, const Settings& settings);

// A received multipart message as a gsmq message: 1 frame = body (or the envelope with
// ?envelope), 2 frames = [channel, body] (an empty channel frame means the URL's channel).
// Anything else is malformed: false, with `error` saying why. The message is not stamped.
bool from_frames(const std::vector<std::string>& frames, const Settings& settings, const CodecLimits& limits,
                 Message& out, std::string& error);

}  // namespace gsmq::endpoint::zmq
