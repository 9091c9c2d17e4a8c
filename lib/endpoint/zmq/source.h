// ZeroMQ as a source: a PULL (or SUB) socket, each multipart message one gsmq message
// (source.cpp; docs/endpoints/zmq.md).
#pragma once

#include <memory>

#include "endpoint/endpoint.h"
#include "endpoint/zmq/settings.h"

namespace gsmq::endpoint::zmq {

std::unique_ptr<Source> open_source(const Settings& settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::zmq
