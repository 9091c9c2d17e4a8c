// mqtt://HOST[:1883]/FILTER, mqtts://HOST[:8883]/FILTER (TLS), ws://HOST[:80]/PATH?topic=FILTER
// and wss://HOST[:443]/PATH?topic=FILTER (MQTT over WebSocket): an MQTT broker, as a
// subscriber (source) or a publisher (sink). See docs/endpoints/mqtt.md.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::mqtt {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::mqtt
