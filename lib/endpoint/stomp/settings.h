// What a stomp:// URL asks for (docs/endpoints/stomp.md): the broker, the login and
// virtual host, the destination, heart-beats and flow, read from the URL's checked
// parameters (registration.cpp declares them) so that a bad option is a usage error
// (exit 2) before anything connects.
#pragma once

#include <string>
#include <string_view>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/reconnect.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::stomp {

inline constexpr std::string_view kNoServer =
    "gsmq does not run a STOMP broker; name the broker to connect to (stomp://HOST:PORT/DESTINATION)";

struct Settings {
  std::string url_text;
  std::string host;
  uint16_t port = 61613;
  TlsOptions tls;                  // stomps://, stomp+wss://
  bool websocket = false;          // stomp+ws://, stomp+wss://: over WebSocket (subprotocol v12.stomp)
  std::string ws_path = "/ws";     // the WebSocket's HTTP path (?path=)
  std::string vhost = "/";         // the CONNECT host header
  std::string login, passcode;
  std::string destination;         // "/queue/jobs"; sink: may be empty (each message's channel)
  bool persistent = true;          // sink: persistent:true on every SEND
  Duration heartbeat = std::chrono::seconds(10);  // both ways; 0: none
  Duration connect_timeout = std::chrono::seconds(5);
  RetryPolicy retry;
  size_t max_inflight = 100;       // sink: SENDs without their RECEIPT; source: prefetch
  bool reject_to_dead_letter = false;
};

Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options);

}  // namespace gsmq::endpoint::stomp
