// Where a sink sends a message, the same rule for every endpoint kind (gsmq(7), "THE
// CHANNEL A SINK SENDS TO"): a channel written in the sink's URL wins; "{channel}" in it
// stands for the message's own channel (gsmq://…/site1/{channel}); a URL that names no
// channel sends each message to its own (per-line destinations).
#pragma once

#include <string>
#include <string_view>

namespace gsmq {

inline constexpr std::string_view kChannelPlaceholder = "{channel}";

// Every "{channel}" in `text` replaced by `channel`.
std::string replace_channel_placeholder(std::string_view text, std::string_view channel);

// The channel for a message whose own channel is `message_channel`, sent to a URL whose
// channel (path, topic) is `url_channel`.
std::string sink_channel(std::string_view url_channel, std::string_view message_channel);

}  // namespace gsmq
