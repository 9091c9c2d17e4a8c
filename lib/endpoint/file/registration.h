// file:PATH — a JSON-lines file: read once (or followed with --follow / ?follow), or
// appended to (?fsync to fdatasync after every record).
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::file {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq::endpoint::file
