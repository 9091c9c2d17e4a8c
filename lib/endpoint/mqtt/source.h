// MQTT as a source: subscribes to the URL's topic filter and hands each PUBLISH out as a
// Message. A QoS 1/2 message is acknowledged to the broker (PUBACK; PUBREC in MQTT 5)
// only after the sink confirmed it: paho sends that acknowledgement when the message
// callback returns, so the callback waits for the confirmation (one such message in flight
// per subscription; see docs/endpoints/mqtt.md for the trade-off).
#pragma once

#include "endpoint/mqtt/settings.h"

namespace gsmq::endpoint::mqtt {

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::mqtt
