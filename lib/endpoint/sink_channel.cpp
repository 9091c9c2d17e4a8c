#include "endpoint/sink_channel.h"

namespace gsmq {

std::string replace_channel_placeholder(std::string_view text, std::string_view channel) {
  std::string out;
  out.reserve(text.size() + channel.size());
  for (;;) {
    const auto at = text.find(kChannelPlaceholder);
    if (at == std::string_view::npos) break;
    out.append(text.substr(0, at)).append(channel);
    text.remove_prefix(at + kChannelPlaceholder.size());
  }
  return out.append(text);
}

std::string sink_channel(std::string_view url_channel, std::string_view message_channel) {
  if (url_channel.empty()) return std::string(message_channel);
  return replace_channel_placeholder(url_channel, message_channel);
}

}  // namespace gsmq
