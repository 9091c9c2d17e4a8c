// coap:// connecting, as a source: an observer of the URL's resource, RFC 7641
// (observe_source.cpp; docs/endpoints/coap.md).
#pragma once

#include <memory>

#include "endpoint/coap/settings.h"
#include "endpoint/endpoint.h"

namespace gsmq::endpoint::coap {

std::unique_ptr<Source> open_observe_source(const Settings& settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::coap
