#include "endpoint/zmq/mapping.h"
#include "endpoint/sink_channel.h"

namespace gsmq::endpoint::zmq {

std::vector<std::string> to_frames(const Message& message, const Settings& settings) {
  const std::string channel = sink_channel(settings.channel, message.channel);
  if (settings.envelope) {
    if (channel != message.channel) {
      Message copy = message;
      copy.channel = channel;
      return {format_envelope(copy)};
    }
    return {format_envelope(message)};
  }
  if (settings.frames == 1) return {message.body};
  return {channel, message.body};
}

bool from_frames(const std::vector<std::string>& frames, const Settings& settings, const CodecLimits& limits,
                 Message& out, std::string& error) {
  out = Message{};
  if (settings.envelope) {
    if (frames.size() != 1) {
      error = "expected 1 frame holding a JSON envelope, got " + std::to_string(frames.size());
      return false;
    }
    if (!parse_envelope(frames[0], out, error, limits)) {
      error = "not a JSON envelope: " + error;
      return false;
    }
    if (out.channel.empty()) out.channel = settings.channel;
    return true;
  }
  if (frames.empty() || frames.size() > 2) {
    error = "expected 1 frame [body] or 2 frames [channel, body], got " + std::to_string(frames.size());
    return false;
  }
  const std::string& body = frames.back();
  if (body.size() > limits.max_body_bytes) {
    error = "body of " + std::to_string(body.size()) + " bytes is larger than --max-body";
    return false;
  }
  out.body = body;
  out.channel = frames.size() == 2 && !frames[0].empty() ? frames[0] : settings.channel;
  return true;
}

}  // namespace gsmq::endpoint::zmq
