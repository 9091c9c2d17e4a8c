// "-": JSON lines on stdin (as a source) or stdout (as a sink).
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::stdio {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq::endpoint::stdio
