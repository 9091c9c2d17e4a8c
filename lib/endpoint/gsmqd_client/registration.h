// gsmq://HOST:PORT/CHANNEL — the client of gsmqd, the queue daemon (gsmqd(8)). ?kind=
// picks queue (default), events, store (events-store), request or respond.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::gsmqd_client {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::gsmqd_client
