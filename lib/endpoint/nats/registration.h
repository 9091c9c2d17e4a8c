// nats://[USER:PASSWORD@|TOKEN@]HOST[:4222]/SUBJECT: a NATS server (or a cluster, with
// ?servers=), core subjects at most once, or a JetStream stream with ?stream=NAME: a sink
// confirmed by the stream's PubAck, a source reading through a durable pull consumer
// and acknowledging after the sink confirmed. See docs/endpoints/nats.md.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::nats {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::nats
