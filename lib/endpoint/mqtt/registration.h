// mqtt://HOST[:1883]/FILTER, mqtts://HOST[:8883]/FILTER (TLS), ws://HOST[:80]/PATH?topic=FILTER
// and wss://HOST[:443]/PATH?topic=FILTER (MQTT over WebSocket): an MQTT broker, as a
// subscriber (source) or a publisher (sink). See docs/endpoints/mqtt.md.
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::mqtt {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq::endpoint::mqtt
