// The zmq+tcp:// and zmq+ipc:// adapters: a receiving source (PULL or SUB) and a sending
// sink (PUSH or PUB). See docs/endpoints/zmq.md.
#pragma once

#include <memory>

#include "endpoint/endpoint.h"
#include "endpoint/zmq/settings.h"

namespace gsmq::endpoint::zmq {

std::unique_ptr<Source> open_source(const Settings& settings, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const Settings& settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::zmq
