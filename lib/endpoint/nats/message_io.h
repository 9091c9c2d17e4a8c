// Between nats.c's natsMsg and the pure mapping (mapping.h): a received natsMsg's
// headers read out, and a natsMsg built from an Outgoing and a body.
#pragma once

#include <string>

#include <nats/nats.h>

#include "endpoint/nats/mapping.h"

namespace gsmq::endpoint::nats {

// Every header of `msg` (none when it has none).
Headers headers_of(natsMsg* msg);

// The received message as a Message (not stamped).
Message message_of(natsMsg* msg);

// A new natsMsg to publish; nullptr with `error` set when nats.c refuses it.
natsMsg* build_msg(const Outgoing& out, const std::string& body, std::string& error);

}  // namespace gsmq::endpoint::nats
