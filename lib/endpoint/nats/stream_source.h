// JetStream as a source (?stream=NAME&durable=NAME): reads through a durable pull consumer
// (created when it does not exist; explicit acks), fetching up to ?max_inflight at a
// time. A message is acknowledged only after the sink confirmed it, kept alive with
// in-progress acks while it waits (so ?ack_wait does not redeliver it), NAKed with a
// back-off when the sink refused it, and terminated instead when refusals go to the
// dead letter. What is fetched but not handed out at close is NAKed at once.
#pragma once

#include "endpoint/nats/settings.h"

namespace gsmq::endpoint::nats {

std::unique_ptr<Source> open_stream_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::nats
