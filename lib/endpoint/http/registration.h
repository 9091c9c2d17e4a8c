// http:// and https:// endpoints (docs/endpoints/http.md). Connect form
// (http://HOST:PORT/PATH) = a sink that POSTs each message to the URL; listen form
// (http://:PORT/PATH, http://*:PORT/PATH or ?listen) = a source: an ingest server.
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::http {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq::endpoint::http
