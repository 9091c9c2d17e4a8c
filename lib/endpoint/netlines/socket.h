// Sockets for tcp:// and udp://: resolve, connect with a timeout (and ?retry), listen
// (TCP) or bind (UDP), and a peer address as text. Errors are Error(unavailable).
#pragma once

#include <memory>
#include <string>

#include "endpoint/netlines/settings.h"
#include "endpoint/websocket/client_pipe.h"

namespace gsmq::endpoint::netlines {

// A connected stream: a TCP socket, or a WebSocket pipe's descriptor (lines+ws://).
struct Stream {
  int fd = -1;
  std::unique_ptr<websocket::ClientPipe> pipe;  // owns fd when set
  void close();  // a pipe sends what was written, then closes the WebSocket
};

// TCP or WebSocket, per the settings, with ?retry. Throws Error.
Stream connect_stream(const Settings& s);

// A connected socket (TCP, or a UDP socket whose peer is set). Throws Error.
int connect_socket(const Settings& s);

// A listening TCP socket, or a bound UDP socket. Throws Error.
int listen_socket(const Settings& s);

// "ADDRESS:PORT" of a sockaddr.
std::string peer_text(const void* addr, unsigned length);

}  // namespace gsmq::endpoint::netlines
