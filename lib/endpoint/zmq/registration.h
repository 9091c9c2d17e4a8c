// zmq+tcp://HOST:PORT[/CHANNEL] and zmq+ipc:///PATH — ZeroMQ with cppzmq over libzmq
// (docs/endpoints/zmq.md): PUSH/PULL or PUB/SUB, bound or connected by the common listen
// rule, each message a multipart [channel, body] (or one JSON-envelope frame).
#pragma once

#include "endpoint/endpoint.h"

namespace gsmq::endpoint::zmq {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options);
std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options);

}  // namespace gsmq::endpoint::zmq
