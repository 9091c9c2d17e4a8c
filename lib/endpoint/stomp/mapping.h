// How a gsmq Message and a STOMP frame map onto each other (docs/endpoints/stomp.md
// "Mapping"), without I/O: channel <-> destination (without / with its leading "/"),
// body <-> body (content-length, binary-safe), id and ts <-> headers gsmq-id and gsmq-ts,
// priority <-> priority, content-type, message-id and redelivered <-> meta stomp.NAME,
// other headers <-> meta of the same names.
#pragma once

#include <string>

#include "endpoint/stomp/frame.h"
#include "endpoint/stomp/settings.h"
#include "envelope/message.h"

namespace gsmq::endpoint::stomp {

inline constexpr const char* kIdHeader = "gsmq-id";
inline constexpr const char* kTsHeader = "gsmq-ts";

// The Message for a MESSAGE frame (stamped: id and ts set when the frame has none).
Message message_from_frame(const Frame& frame);

// The SEND frame for a message (no receipt yet), or why it cannot be sent (`error`).
struct Send {
  Frame frame;
  std::string error;
};
Send send_frame_for(const Message& message, const Settings& settings);

}  // namespace gsmq::endpoint::stomp
