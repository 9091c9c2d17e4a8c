// The envelope's rules (gsmq(7), THE ENVELOPE) applied where messages enter gsmqd over
// gRPC: whatever a client sends, what gsmqd stores and hands out prints as an envelope
// that reads back (gsmq-recv | gsmq-send), and no field can be smuggled in through another.
#pragma once

#include <string>

#include "gsmq/v1/message.pb.h"

namespace gsmq::server {

// Why `message` cannot be accepted, naming the field (`field "priority": 42 is out of
// range 0-9`), or "" when it can.
std::string invalid_field(const v1::Message& message);

}  // namespace gsmq::server
