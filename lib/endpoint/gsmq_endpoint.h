// gsmq://HOST:PORT/CHANNEL — gsmqd, the queue daemon (gsmqd(8)). ?kind= picks queue
// (default), events, store (events-store), request or respond.
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq {

std::unique_ptr<Source> open_gsmq_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_gsmq_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq
