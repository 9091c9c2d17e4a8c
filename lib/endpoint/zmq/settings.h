// What a zmq+tcp:// or zmq+ipc:// URL asks for (docs/endpoints/zmq.md): the ZeroMQ
// address, bind or connect, the socket pattern and the framing, read once from the URL's
// checked parameters (registration.cpp declares them).
#pragma once

#include <optional>
#include <string>

#include "endpoint/params.h"
#include "util/duration.h"

namespace gsmq::endpoint::zmq {

enum class Pattern { push, pull, pub, sub };

struct Settings {
  std::string url;              // as given, for messages
  std::string address;          // libzmq's: "tcp://127.0.0.1:5555", "tcp://*:5555", "ipc:///tmp/feed"
  bool ipv6 = false;            // a bracketed IPv6 host
  bool bind = false;            // the common listen rule
  Pattern pattern = Pattern::pull;
  std::string topic;            // ?topic=PREFIX for sub ("" = everything)
  std::string channel;          // default channel: ?channel=, else the tcp URL's path
  bool envelope = false;        // ?envelope: one frame holding the JSON envelope
  int frames = 2;               // ?frames=1|2: sink sends [body] or [channel, body]
  int hwm = 1000;               // ?hwm=N: ZMQ_SNDHWM / ZMQ_RCVHWM
  Duration linger = std::chrono::seconds(5);   // ?linger=: flush bound on close
  std::optional<Duration> timeout;             // ?timeout=: give up a send blocked this long
  bool retry = false;           // ?retry: wait for an unreachable peer instead of exit 4
  Duration connect_timeout = std::chrono::seconds(5);  // ?connect_timeout: for the first connection
};

// Reads `url` (scheme zmq+tcp or zmq+ipc) for a source or a sink; Error(usage)
// for an address that cannot be, or a pattern, topic or framing not possible in that role.
Settings read_settings(const EndpointUrl& url, const Params& params, Role role);

const char* pattern_name(Pattern pattern);

}  // namespace gsmq::endpoint::zmq
