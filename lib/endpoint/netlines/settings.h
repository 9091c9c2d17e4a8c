// What a tcp://, udp:// or lines+ws(s):// URL asks for (docs/endpoints/netlines.md): the address, listen
// or connect, bare lines or JSON envelopes, and the channel, read once from the URL's
// checked parameters (registration.cpp declares them).
#pragma once

#include <cstdint>
#include <string>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::netlines {

struct Settings {
  std::string url_text;
  bool udp = false;
  bool websocket = false;       // lines+ws://, lines+wss://: a line per WebSocket message
  TlsOptions tls;               // lines+wss://
  std::string ws_path;          // the WebSocket's HTTP path: the URL path ("/" to connect; "" = any, listening)
  bool listen = false;
  std::string host;             // to connect to, or to listen on ("" = every interface)
  uint16_t port = 0;
  bool envelope = false;        // JSON envelope lines, instead of bare lines as bodies
  std::string channel;          // source: of messages that name none; sink: not used
  Duration connect_timeout = std::chrono::seconds(5);
  bool retry = false;
};

Settings read_settings(const EndpointUrl& url, const Params& params, Role role);

}  // namespace gsmq::endpoint::netlines
