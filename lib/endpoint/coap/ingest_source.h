// coap:// listening, as a source: the ingest server for POST and PUT (ingest_source.cpp;
// docs/endpoints/coap.md).
#pragma once

#include <memory>

#include "endpoint/coap/settings.h"
#include "endpoint/endpoint.h"

namespace gsmq::endpoint::coap {

std::unique_ptr<Source> open_ingest_source(const Settings& settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::coap
