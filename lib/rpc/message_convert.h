// Converts between the envelope (gsmq::Message) and the wire message (gsmq.v1.Message).
#pragma once

#include "envelope/message.h"
#include "gsmq/v1/message.pb.h"

namespace gsmq {

// The moving forms give the strings away (the body is not copied); the source is left
// valid but unspecified, as after any move.
void to_proto(const Message& in, v1::Message* out);
void to_proto(Message&& in, v1::Message* out);
Message from_proto(const v1::Message& in);
Message from_proto(v1::Message&& in);

}  // namespace gsmq
