// tcp:// and udp:// as a sink: each message one line (its body, or with ?envelope its
// JSON envelope) to a TCP peer, or one datagram to a UDP peer. Confirmed once written to
// the socket: at most once. A TCP peer that closed the connection ends the sink (exit 4).
#pragma once

#include "endpoint/netlines/settings.h"

namespace gsmq::endpoint::netlines {

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::netlines
