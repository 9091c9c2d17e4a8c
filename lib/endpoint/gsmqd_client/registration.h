// gsmq://HOST:PORT/CHANNEL — the client of gsmqd, the queue daemon (gsmqd(8)). ?kind=
// picks queue (default), events, store (events-store), request or respond.
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::gsmqd_client {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq::endpoint::gsmqd_client
