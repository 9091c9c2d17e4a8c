// "-": JSON lines on stdin (as a source) or stdout (as a sink).
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq {

std::unique_ptr<Source> open_stdio_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_stdio_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq
