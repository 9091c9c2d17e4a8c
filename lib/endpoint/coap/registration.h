// coap://HOST:PORT/PATH and coaps:// (DTLS) — CoAP over UDP with libcoap 3
// (docs/endpoints/coap.md). As a source: listening, an ingest server for POST/PUT;
// connecting, an observer of the resource (RFC 7641). As a sink: POST/PUT per message.
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::coap {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq::endpoint::coap
