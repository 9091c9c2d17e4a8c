// coap:// as a sink: a POST (or PUT) per message (client_sink.cpp; docs/endpoints/coap.md).
#pragma once

#include <memory>

#include "endpoint/coap/settings.h"
#include "endpoint/endpoint.h"

namespace gsmq::endpoint::coap {

std::unique_ptr<Sink> open_client_sink(const Settings& settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::coap
