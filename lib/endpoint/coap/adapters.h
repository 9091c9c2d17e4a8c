// The three coap:// adapters: the ingest server (a listening source), the observer (a
// connecting source) and the client sink. See docs/endpoints/coap.md.
#pragma once

#include <memory>

#include "endpoint/coap/settings.h"
#include "endpoint/endpoint.h"

namespace gsmq::endpoint::coap {

std::unique_ptr<Source> open_ingest_source(const Settings& settings, const EndpointOptions& options);
std::unique_ptr<Source> open_observe_source(const Settings& settings, const EndpointOptions& options);
std::unique_ptr<Sink> open_client_sink(const Settings& settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::coap
