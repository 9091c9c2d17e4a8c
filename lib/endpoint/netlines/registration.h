// tcp://HOST:PORT and udp://HOST:PORT: plain lines over TCP or UDP, one message per line
// (bare bodies, or ?envelope JSON lines); listening with tcp://:PORT and udp://:PORT
// (sources), connecting otherwise. Works with nc, socat and logger -n. See
// docs/endpoints/netlines.md.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::netlines {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::netlines
