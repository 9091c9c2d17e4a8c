// http:// and https:// as a sink: POSTs (or PUTs) each message, or a batch of them, to the
// target; delivered only on 2xx; 5xx, 408, 429 and transport errors retried with back-off
// (?retries=N); other statuses fail at once. ?concurrency=N connections work in parallel.
#pragma once

#include <memory>

#include "endpoint/endpoint.h"
#include "endpoint/http/sink_settings.h"

namespace gsmq::endpoint::http {

// Connects once before returning (retrying like a request): Error(unavailable)
// when the target cannot be reached.
std::unique_ptr<Sink> open_client_sink(const SinkSettings& config, const EndpointOptions& options);

}  // namespace gsmq::endpoint::http
