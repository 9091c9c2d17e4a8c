// MQTT as a sink: publishes each message to its channel (else the URL's topic), many
// publishes in flight up to ?max_inflight; a message is confirmed when the broker
// acknowledged it (PUBACK for QoS 1, PUBCOMP for QoS 2; QoS 0: written to the socket).
// What is not confirmed when the connection drops is published again after reconnecting.
#pragma once

#include "endpoint/mqtt/settings.h"

namespace gsmq::endpoint::mqtt {

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::mqtt
