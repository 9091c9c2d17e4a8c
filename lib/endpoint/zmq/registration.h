// zmq+tcp://HOST:PORT[/CHANNEL] and zmq+ipc:///PATH — ZeroMQ with cppzmq over libzmq
// (docs/endpoints/zmq.md): PUSH/PULL or PUB/SUB, bound or connected by the common listen
// rule, each message a multipart [channel, body] (or one JSON-envelope frame).
#pragma once

#include "endpoint/adapter.h"

namespace gsmq::endpoint::zmq {

extern const Adapter kAdapter;

}  // namespace gsmq::endpoint::zmq
