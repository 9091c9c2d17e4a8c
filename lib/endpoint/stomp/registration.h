// stomp://[USER[:PASSWORD]@]HOST[:PORT]/DESTINATION: a STOMP 1.2 broker (RabbitMQ's STOMP
// plugin, ActiveMQ, ...), as a subscriber with client-individual acks (source) or a
// sender with receipts (sink). See docs/endpoints/stomp.md.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::stomp {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::stomp
