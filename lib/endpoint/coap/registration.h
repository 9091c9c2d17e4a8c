// coap://HOST:PORT/PATH and coaps:// (DTLS) — CoAP over UDP with libcoap 3
// (docs/endpoints/coap.md). As a source: listening, an ingest server for POST/PUT;
// connecting, an observer of the resource (RFC 7641). As a sink: POST/PUT per message.
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::coap {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::coap
