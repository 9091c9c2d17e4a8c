// JetStream as a sink (?stream=NAME): publishes each message with Nats-Msg-Id = its id and
// confirms it only on the stream's PubAck (stored on the stream's replicas). No
// responders (a leader election under way), a missing PubAck within ?ack_timeout and a
// lost connection are retried with the same id under the shared retry policy, so that
// the stream's duplicate window stores each message once; up to ?max_inflight at once.
#pragma once

#include "endpoint/nats/settings.h"

namespace gsmq::endpoint::nats {

std::unique_ptr<Sink> open_stream_sink(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::nats
