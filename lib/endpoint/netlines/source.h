// tcp:// and udp:// as a source, one message per line: connected to a TCP peer (until it
// closes: the end), listening for TCP clients (any number, each read line by line), or
// bound to a UDP port (each datagram's lines). Nothing is acknowledged to the peer: at
// most once (syslog- and netcat-friendly, not a reliable hop).
#pragma once

#include "endpoint/netlines/settings.h"

namespace gsmq::endpoint::netlines {

std::unique_ptr<Source> open_source(Settings settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::netlines
