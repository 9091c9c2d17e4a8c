#include "endpoint/netlines/mapping.h"

namespace gsmq::endpoint::netlines {

std::optional<Message> message_from_line(std::string_view line, bool envelope, const std::string& channel,
                                         std::string_view peer_key, const std::string& peer,
                                         const CodecLimits& limits, std::string& error) {
  error.clear();
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return std::nullopt;
  Message m;
  if (envelope) {
    if (!parse_envelope(line, m, error, limits)) return std::nullopt;
  } else {
    m = message_from_raw_line(line);
  }
  if (m.channel.empty()) m.channel = channel;
  if (!peer.empty()) m.meta.emplace(std::string(peer_key), peer);
  return m;
}

std::string line_for(const Message& message, bool envelope) {
  return envelope ? format_envelope(message) : message.body;
}

}  // namespace gsmq::endpoint::netlines
