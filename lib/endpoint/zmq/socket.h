// A ZeroMQ socket opened for a URL: pattern, high-water mark, linger and reconnect
// intervals set, then bound, or connected and — for a clear exit 4 — watched with a
// socket monitor until the peer accepted the connection.
#pragma once

#include <memory>

#include <zmq.hpp>

#include "endpoint/endpoint.h"
#include "endpoint/zmq/settings.h"

namespace gsmq::endpoint::zmq {

struct Socket {
  ::zmq::context_t context{1};
  ::zmq::socket_t socket;
  ~Socket();  // closes the socket, then waits up to ?linger for queued messages to leave
};

// ::zmq::poll that returns (nothing ready) when a signal interrupted it: the callers check
// stop_requested() next.
void poll_for(zmq_pollitem_t* items, size_t count, Duration timeout);

// Opens the socket of `settings`. Binding: Error(unavailable) when the address is
// taken or not local. Connecting: waits up to ?connect_timeout for the connection;
// without ?retry, Error(unavailable) when nothing accepts it; with ?retry, keeps
// waiting (libzmq reconnects with back-off) until it does or a stop is requested.
std::unique_ptr<Socket> open_socket(const Settings& settings, Diagnostics* diagnostics);

}  // namespace gsmq::endpoint::zmq
