// ZeroMQ as a sink: a PUSH (or PUB) socket, each message one multipart message, confirmed
// once libzmq took it (sink.cpp; docs/endpoints/zmq.md).
#pragma once

#include <memory>

#include "endpoint/endpoint.h"
#include "endpoint/zmq/settings.h"

namespace gsmq::endpoint::zmq {

std::unique_ptr<Sink> open_sink(const Settings& settings, const EndpointOptions& options);

}  // namespace gsmq::endpoint::zmq
