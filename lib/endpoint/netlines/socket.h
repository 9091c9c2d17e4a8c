// Sockets for tcp:// and udp://: resolve, connect with a timeout (and ?retry), listen
// (TCP) or bind (UDP), and a peer address as text. Errors are Error(unavailable).
#pragma once

#include <string>

#include "endpoint/netlines/settings.h"

namespace gsmq::endpoint::netlines {

// A connected socket (TCP, or a UDP socket whose peer is set). Throws Error.
int connect_socket(const Settings& s);

// A listening TCP socket, or a bound UDP socket. Throws Error.
int listen_socket(const Settings& s);

// "ADDRESS:PORT" of a sockaddr.
std::string peer_text(const void* addr, unsigned length);

}  // namespace gsmq::endpoint::netlines
