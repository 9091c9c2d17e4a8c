// paho runs every MQTT client of a process on one receive thread, under one global lock.
// A source's message callback that waits for the sink's confirmation (to hold back the
// PUBACK) would therefore stop an MQTT sink in the same process from ever reading its own
// acknowledgements. Sinks count themselves here so that a source knows not to wait.
#pragma once

namespace gsmq::endpoint::mqtt {

void paho_sink_opened();
void paho_sink_closed();
bool paho_sinks_open();

}  // namespace gsmq::endpoint::mqtt
