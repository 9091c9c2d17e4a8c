// Converts between the envelope (gsmq::Message) and the wire message (gsmq.v1.Message).
#pragma once

#include "envelope/message.h"
#include "gsmq/v1/message.pb.h"

namespace gsmq {

void to_proto(const Message& in, v1::Message* out);
Message from_proto(const v1::Message& in);

}  // namespace gsmq
